/** Hand-written user requests about two topics, for the tests that find intents. */
export const REFUND_REQUESTS = [
	"I want a refund for my order",
	"how do I get a refund",
	"please refund my last payment",
	"can I get a refund for this purchase",
];

export const PASSWORD_REQUESTS = [
	"I forgot my password",
	"how do I reset my password",
	"password reset link is not working",
	"reset my account password please",
];
