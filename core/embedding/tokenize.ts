/**
 * Word tokens in the style of the GloVe 6B corpus (Stanford tokenizer, lowercased):
 * "can't" → "ca", "n't"; "I'm" → "i", "'m"; "!" and "?" are kept, other punctuation dropped.
 */
const TOKEN = /[a-z0-9]+(?:'[a-z]+)?|[!?]/g;

export function tokenize(text: string): string[] {
	const out: string[] = [];
	for (const raw of text
		.toLowerCase()
		.replace(/[\u2018\u2019\u02bc]/g, "'")
		.match(TOKEN) ?? []) {
		const apostrophe = raw.indexOf("'");
		if (apostrophe < 0) out.push(raw);
		else if (raw.endsWith("n't") && raw.length > 3) out.push(raw.slice(0, -3), "n't");
		else out.push(raw.slice(0, apostrophe), raw.slice(apostrophe));
	}
	return out;
}
