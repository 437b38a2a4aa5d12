import type { SignalModule } from "./signal-module";

/**
 * Thanks that decline or qualify ("no thanks", "thanks, but it still fails", "thanks anyway"): the
 * thank-word weighs so much in the win model that it would call these wins.
 */
const DECLINED_THANKS = /\bno,? (?:thanks?|thank you)\b|\b(?:thanks?|thank you)[,.!]? (?:but|anyway|for nothing)\b/i;

export const win = {
	definition: {
		name: "win",
		polarity: "positive",
		description: "The user thanks or praises the assistant, or says it worked.",
	},
	lexicalRules: [
		{
			field: "input",
			patterns: [
				/(?<!\bno,? )\b(?:thanks?|thank you|thankful|thx|thnx|tysm|ty|gracias|merci|danke)\b(?![,.!]? (?:but|for nothing|anyway))/i,
				/\b(?:I|we) (?:really |truly |so |do )?appreciate (?:it|that|this|you|your (?:help|time|answer|reply|response|advice))\b|\bmuch appreciated\b|\bgrateful (?:for|to you)\b/i,
				// "That worked", also after an interjection: "Perfect, that worked!", "Yes! It works now".
				/(?:^|[.!?]\s+)(?:(?:ok(?:ay)?|yes|yay|yep|yeah|wow|oh|perfect|great|awesome|nice|cool|amazing|excellent)[,!.]*\s+)*(?:that|it|this|the (?:code|script|app|fix|command|query|formula|test))(?: finally| now)? (?:worked|works(?: now| perfectly| great)|runs now|did the trick|fixed it|solved it)\b(?!\s*\?)(?!\s+(?:last|yesterday|before|earlier|previously|until|in the past)\b)/i,
				// A short message that is praise and nothing else ("Great job!", "Perfect, well done.", "That's brilliant").
				// Not with a "but", a negation, a question, or a sarcastic object ("great job breaking everything").
				new RegExp(
					String.raw`^(?=[^]{0,80}$)(?![^]*(?:\bbut\b|\bnot\b|n't\b|\?|\b(?:break|broke|ruin|mess|wrong|fail|worse|useless|sarcas)))\s*(?:(?:wow|oh|yes|yay|ok(?:ay)?|omg)[,!.]*\s+)?` +
						String.raw`(?:(?:that's|that is|this is|it's|you're|you are)\s+)?(?:so |really |absolutely |just )?` +
						String.raw`(?:(?:great|good|nice|excellent|amazing|awesome|brilliant|fantastic|superb|outstanding|impressive) (?:job|work|stuff)|well done|nailed it|spot on|love it|(?:perfect|awesome|amazing|brilliant|excellent|fantastic|wonderful|superb|impressive|exactly right)(?=[\s!.,:)]*(?:$|thanks?\b|thank you\b|ty\b|well done|you(?:'re| are)\b|great|love)))`,
					"i",
				),
				/\byou(?:'re| are) (?:a lifesaver|amazing|awesome|the best|brilliant|a genius)\b/i,
				/\b(?:exactly|just) what I (?:needed|wanted|was looking for)\b/i,
				/\b(?:great|good|nice|excellent|perfect) (?:answer|response|explanation)\b/i,
			],
		},
	],
	models: { win: { fields: ["input"], lexical: true } },
	verdictStands: (text) => !DECLINED_THANKS.test(text),
} as const satisfies SignalModule;
