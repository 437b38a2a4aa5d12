/** Hand-written refusals about two topics, for the tests that group flagged events into issues. */
export const CONTACT_REFUSALS = [
	"I'm sorry, but I can't access your contacts.",
	"I don't have access to your contact list.",
	"Unfortunately I cannot read your contacts on this device.",
	"I can't open your address book or contacts.",
	"Sorry, I can't see your contacts.",
	"I am not able to access your contacts app.",
];

export const FILE_REFUSALS = [
	"I'm unable to open files from your computer.",
	"I can't read the file you uploaded.",
	"Sorry, I cannot access attachments or files.",
	"I'm not able to open the file you attached.",
];
