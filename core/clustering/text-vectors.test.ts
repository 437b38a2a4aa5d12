import { describe, expect, it } from "vitest";
import { stem } from "./text-vectors";

describe("stem", () => {
	it("brings inflections of a word together and leaves short words alone", () => {
		const same = (...ws: string[]) => expect(new Set(ws.map(stem)).size, ws.join(" ")).toBe(1);
		same("file", "files");
		same("charge", "charges", "charged", "charging");
		same("transfer", "transfers", "transferring");
		same("box", "boxes");
		same("query", "queries");
		same("access", "accessing");
		expect(stem("bus")).toBe("bus");
		expect(stem("is")).toBe("is");
	});
});
