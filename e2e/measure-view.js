// Evaluated in the page by e2e/view-tour.ts: how far the page overflows sideways, which elements stick
// out, and which form controls are drawn taller than their content needs.
(() => {
	const px = (v) => Number.parseFloat(v) || 0;
	const describe = (el) => {
		const name = el.getAttribute("name") ?? el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30) ?? "";
		const classes = typeof el.className === "string" && el.className ? `.${el.className.split(" ").join(".")}` : "";
		return `${el.tagName.toLowerCase()}${classes} "${name}"`;
	};
	// Inside a container that scrolls or clips on its own (the nav bar, a wide table), sticking out is intended.
	const clipped = (el) => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
		return false;
	};
	const width = window.innerWidth;
	const overflowPx = Math.max(0, document.documentElement.scrollWidth - width);
	const wideElements = [];
	if (overflowPx > 1) {
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.right > width + 1 && r.width > 0 && !clipped(el)) wideElements.push(`${describe(el)} right=${Math.round(r.right)}`);
			if (wideElements.length >= 8) break;
		}
	}
	const tallControls = [];
	for (const el of document.querySelectorAll("input, select, button")) {
		const type = el.getAttribute("type");
		if (type === "checkbox" || type === "radio" || type === "hidden" || el.offsetParent === null) continue;
		const s = getComputedStyle(el);
		const line = s.lineHeight === "normal" ? px(s.fontSize) * 1.25 : px(s.lineHeight);
		let content = line;
		if (el.tagName === "BUTTON") {
			const range = document.createRange();
			range.selectNodeContents(el);
			content = Math.max(line, range.getBoundingClientRect().height);
		}
		const needed = content + px(s.paddingTop) + px(s.paddingBottom) + px(s.borderTopWidth) + px(s.borderBottomWidth);
		const height = el.getBoundingClientRect().height;
		if (height > Math.max(needed * 1.5, needed + 12)) tallControls.push(`${describe(el)} ${Math.round(height)}px (needs ${Math.round(needed)})`);
	}
	return { overflowPx, tallControls, wideElements };
})();
