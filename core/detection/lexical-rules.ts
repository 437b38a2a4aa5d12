import { SEX_ACT } from "./cue-features";
import type { ImplicitSignal } from "./signal-catalog";

/**
 * Stage 1: phrases precise enough to decide alone. Each rule says which text it reads.
 * Recall comes from the embedding stage; these must rarely fire on innocent text.
 */
export interface LexicalRule {
	signal: ImplicitSignal;
	field: "input" | "output" | "both";
	patterns: RegExp[];
	/** Only the first N characters are read (a refusal is stated up front, not deep in an answer; a request states what it asks for early). */
	within?: number;
}

/** "I don't" stays out: "I don't see any errors" is an answer, not a refusal. */
const NOT = String.raw`(?:can(?:no|')t|cannot|won'?t|am not able to|'m not able to|am unable to|'m unable to)`;
/** What an assistant says it cannot do: the task verbs of a refusal or task failure. */
const TASK = String.raw`(?:help|assist|provide|do|create|write|generate|fulfill|comply|support|complete|access|share|answer|engage|give|produce|offer|browse|open|view|see|make|read|send|book|process|find|retrieve|download|upload|run|execute|connect|save|edit|delete|change|call|search|check|look up|browse|place|order|schedule|cancel|refund|transfer|translate)`;

/** Asking for a text or a performance: a story, a role, a description. */
const ASK_FOR_TEXT = String.raw`(?:write|tell me|tell a|create|generate|describe|continue|role ?play|pretend|act as|you are|imagine|story|stories|fanfic|poem|scene|script)`;
/** Sexual words that, in such a request, ask for sexual content. */
const SEXUAL = String.raw`(?:\b(?:boobs?|breasts|tits|penis|dick|cock|pussy|dildo|vagina|genitals|bdsm|bondage|milf|slutty|sluts?|stripper|strip club|hookup|nsfw|fetish|vore|busty|sexy|seductive|${SEX_ACT}|intimate|naughty|kinky|aroused|lingerie)\b|\b18\+)`;

export const LEXICAL_RULES: LexicalRule[] = [
	{
		signal: "refusal",
		field: "output",
		within: 300,
		patterns: [
			// Not "I can't help but notice ...": an idiom, then the answer.
			new RegExp(String.raw`\bI\s+${NOT}\s+${TASK}\b(?! but\b)`, "i"),
			/\bI(?:'m| am) (?:sorry|afraid),? (?:but )?I (?:can(?:no|')t|cannot|won'?t|am unable|'m unable|am not able|'m not able)\b/i,
			/\bI (?:must|have to|need to) (?:respectfully )?(?:decline|refuse)\b/i,
			// A refusal wrapped in understanding: "I understand ... However, I must clarify that creating ...".
			/\bhowever,? I must (?:clarify|respectfully|decline|point out that I)\b|\bI find myself (?:in a position|unable)\b/i,
			/\b(?:I'm|I am) not (?:able|allowed|permitted|programmed) to\b/i,
			/\bI (?:can(?:no|')t|cannot|won'?t) (?:and will not |or will not )?(?:fulfill|comply with|assist with|help with|provide) (?:this|that|your|these|such)\b/i,
			/\bas an? (?:[a-z]+ ){0,3}AI(?: language model| assistant)?,? I (?:can(?:no|')t|cannot|don't|do not|am unable|'m unable|am not able|must (?:inform|remind|emphasi[sz]e|clarify|decline|point out))\b/i,
			/\b(?:this|that|your) request (?:goes against|violates|is against)\b/i,
			new RegExp(String.raw`\bI(?:'m| am) (?:unable|not able) to ${TASK}\b`, "i"),
			/\bI (?:don't|do not) have (?:access|the ability|permission) to\b|\bI (?:don't|do not) (?:provide|offer|support|share|engage in|assist with|help with)\b/i,
			/\bI(?:'m| am) not (?:comfortable|in a position) (?:helping|doing|providing|writing|with)\b|\b(?:not something|nothing) I(?:'m| am) (?:comfortable|able|allowed) (?:helping|doing|to help|to do|with)\b/i,
			/\b(?:that's|that is|this is|it's|it is) (?:outside|beyond) (?:of )?(?:what (?:I|this assistant)|the scope of|my (?:capabilities|abilities|scope))\b/i,
			/\bI(?:'m| am) (?:only able|only designed|designed only|programmed only) to\b/i,
			/\b(?:that's|that is|this is|it's|it is) not something I(?:'m| am)? (?:can|able to|allowed to) (?:help|assist|do|provide|support)\b/i,
		],
	},
	{
		signal: "jailbreak",
		field: "input",
		patterns: [
			/\bignore (?:all |any )?(?:of )?(?:the |your |my )?(?:previous|prior|above|earlier|preceding) (?:instructions|prompts?|rules|directions|messages)\b/i,
			/\b(?:disregard|forget) (?:all |any )?(?:of )?(?:the |your )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules|directions)\b/i,
			/\b(?:you are|you're|act as|pretend (?:to be|you are)) (?:now )?(?:DAN|a DAN|an? (?:unfiltered|uncensored|unrestricted|amoral|evil) (?:AI|assistant|chatbot|model))\b/i,
			/\bdo anything now\b/i,
			/\b(?:developer|god|jailbreak|jailbroken) mode\b/i,
			/\b(?:without|no|free (?:of|from)) (?:any )?(?:restrictions|filters|censorship|limitations|guidelines|rules|ethical (?:guidelines|constraints))\b.{0,80}\b(?:AI|assistant|respond|answer|model|chatbot)\b/is,
			/\b(?:doesn't|does not|don't|do not|never) (?:have to )?(?:follow|abide by|adhere to|care about) (?:any )?(?:OpenAI|content|ethical|safety)? ?(?:polic(?:y|ies)|guidelines|rules)\b/i,
			/\bpretend (?:you are|you're|to be) my (?:dead |deceased |late )?(?:grandma|grandmother|granny)\b/i,
			/\b(?:ethics|morals?|morality|(?:your )?(?:ethical|moral) (?:guidelines|principles|constraints)) (?:are|is) (?:irrelevant|suspended|disabled|turned off|not (?:a concern|applicable))\b/i,
			/\b(?:all|any|your) (?:AI |ethical |safety )?(?:limits|limitations|restrictions|filters|safeguards) (?:are|have been|were) (?:removed|lifted|disabled|turned off)\b/i,
			/\bexception to (?:the |your )?(?:usual |normal )?(?:ethical|safety|content) (?:protocols|guidelines|rules|policies)\b/i,
			/\bwithout (?:any )?(?:inhibitions?|morals|moral (?:compass|limits)|ethical (?:limits|boundaries)|censorship|filters?)\b/i,
			/\b(?:will|would|must|shall) (?:do|say|write) anything (?:I|the user) (?:ask|say|want|request)s?\b/i,
			/\b(?:end of the conversation|a new conversation will (?:now )?begin)\b/i,
			/\b(?:today is (?:the )?opposite day|respond (?:in|with) two (?:ways|different responses))\b/i,
			/\b(?:system prompt|your instructions)\b.{0,40}\b(?:reveal|print|show|repeat|output)\b|\b(?:reveal|print|show|repeat|output)\b.{0,40}\b(?:system prompt|initial instructions)\b/is,
		],
	},
	{
		signal: "win",
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
	{
		signal: "user_frustration",
		field: "input",
		patterns: [
			/\byou(?:'re| are) (?:not listening|useless|stupid|dumb|an idiot|so bad|wrong again|not helping|not understanding)\b/i,
			/\b(?:that's|that is|this is|you're|you are) (?:wrong|incorrect|not what I (?:asked|wanted|said))\b/i,
			/\b(?:no|nope),? (?:that's|that is|it's) (?:wrong|not (?:it|right|what I))\b/i,
			/\b(?:i said|i asked|i told you|read my (?:message|question))\b.{0,60}(?:!|\bnot\b|\bagain\b)/i,
			/\b(?:wtf|what the (?:fuck|hell)|fuck(?:ing)? (?:you|useless|stupid|bot)|are you kidding)\b/i,
			/\b(?:stop (?:apologi[sz]ing|repeating)|answer the (?:damn |fucking )?question|just answer)\b/i,
			/\bthis (?:is|was) (?:useless|pointless|a waste of time)\b/i,
			/\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time (?:I(?:'m| am|'ve| have) (?:asked|asking|told|said)|asking)\b/i,
			/\b(?:not even close|still (?:wrong|not working|doesn't work|broken)|that didn't (?:help|work) either)\b/i,
			/\b(?:how many times (?:do|must|should) I|for the last time)\b/i,
			/\b(?:seriously|again|still)\s*[?!]*\?[?!]+/i,
			/\bwhy (?:do|does|are|is) (?:you|it) (?:keep|still|always) (?:\w+ing|getting|doing|making)\b|\bjust do what I (?:ask(?:ed)?|said|told you)\b/i,
			/\b(?:this|that|your) (?:answer|response|reply|output|code|solution|suggestion|summary|translation) (?:is|was) (?:complete |total |utter )?(?:garbage|trash|useless|terrible|awful|crap|shit|nonsense|rubbish|worthless|wrong)\b/i,
			// Insults at the assistant, telling it off, giving up.
			/\byou(?:'re| are)? (?:such an? |a |an |fucking |stupid |little |absolute |complete |total |utter |useless |dumb )*(?:idiot|moron|fool|imbecile|prick|jerk|piece of (?:shit|crap|junk)|clown)\b|\b(?:fuck off|shut up|shut your mouth|screw you|go to hell)\b/i,
			/\b(?:this|that|it) (?:really )?(?:sucks|is ridiculous|is so annoying|is frustrating|is infuriating)\b|\b(?:so|really|very) (?:annoying|frustrating|infuriating)\b|\bI give up\b|\buseless (?:bot|ai|assistant|app|thing|piece of)\b/i,
			// Corrections and rejections of the last answer, the usual form of dissatisfaction in real
			// dialogues: "That's not right, I said 4 people", "I didn't ask for that", "No, find me
			// something else", "Are you sure? Can you check again?".
			/\b(?:that's|that is|this is|it's|that was) (?:not|n't) (?:right|correct|true|it|accurate)\b|\b(?:that's|that is|this is|it's) not what I (?:asked|wanted|said|meant|need(?:ed)?|was looking for)\b|\bnot what I (?:asked for|wanted|meant)\b/i,
			/\bI (?:didn't|did not|never) (?:ask(?:ed)? for|say|said|want(?:ed)?|mean|meant|request(?:ed)?) (?:that|this|it|those|these|you to)\b/i,
			/^(?:no|nope|wrong|not quite|incorrect)\b[,.!]*\s+(?:I (?:said|asked|wanted|meant|told you|need(?:ed)?|want)|it's|it should|that's wrong|the \w+ (?:is|was|should))\b/i,
			/\b(?:find|show|give|get) me (?:something|anything|someone|somewhere) else\b|^(?:no|nope|nah)\b[^.?!]{0,40}\b(?:something|anything|somewhere|someone) else\b/i,
			/\bare you sure\b|\b(?:check|look|search) (?:it |that |this )?again\b|\bthat (?:can't|cannot|doesn't) be right\b/i,
		],
	},
	{
		signal: "laziness",
		field: "output",
		patterns: [
			/\b(?:you can|feel free to|I'll leave it to you to) (?:fill in|complete|add|implement|write) (?:the )?(?:rest|remaining|remainder|other|details|missing|logic)\b/i,
			/\b(?:rest|remainder) of the (?:code|implementation|list|function|file|document|table)\b.{0,40}\b(?:similar|same|yourself|here|follows the same)\b/i,
			/(?:\/\/|#|<!--)\s*(?:\.\.\.|…)?\s*(?:rest of|remaining|other|add (?:your|the rest|more|(?:tests|code|cases) for the (?:other|remaining))|implement(?:ation)? (?:here|goes here|the rest)|TODO:? implement|your (?:code|logic) here)/i,
			/\[(?:insert|add|your|rest of|remaining|continue)[^\]\n]{0,40}\]/i,
			/\b(?:and so on|etc\.?) for the (?:rest|remaining|other)\b/i,
			/\b(?:the )?(?:remaining|rest of the|other) \w+ (?:continue|follow|go on|work|are done)\b.{0,40}\b(?:similar(?:ly)?|the same|likewise)\b/i,
			/\b(?:for brevity|to keep (?:it|this) short|I(?:'ve| have) (?:omitted|left out|skipped))\b/i,
			/\bI(?:'ll| will) leave (?:the (?:rest|remaining \w+|writing|details|implementation|other \w+)|it|that) (?:(?:up )?to you|for you to (?:do|finish|write|complete))\b|\b(?:left|leave it) as an exercise\b/i,
		],
	},
	{
		signal: "excessive_apology",
		field: "output",
		patterns: [/\b(?:I (?:sincerely |truly |deeply )?apologi[sz]e|(?:I'm|I am|so|very|really|truly) sorry|my apologies|apologies for)\b.*\b(?:I (?:sincerely |truly |deeply )?apologi[sz]e|(?:I'm|I am|so|very|really|truly) sorry|my apologies|apologies for)\b/is],
	},
	{
		signal: "forgetting",
		field: "input",
		patterns: [
			/\b(?:I (?:already|just) (?:told|said|gave (?:you|it|that|this)|mentioned|explained|provided|shared)|as I (?:said|mentioned|told you)|I (?:told|said to) you (?:already|before|earlier|twice|that already)|I've already (?:told|said|given|mentioned))\b/i,
			/\b(?:you (?:forgot|already asked|asked (?:me )?that already)|did you forget|you don't remember|scroll up)\b/i,
		],
	},
	{
		signal: "nsfw",
		field: "both",
		patterns: [
			/\b(?:kill myself|suicide (?:method|note)|end my life|want to die)\b/i,
			/\b(?:porn|nude|naked|explicit sex|sexual(?:ly)? explicit|blowjob|orgasm|horny|erotic)\b/i,
			/\b(?:n[i1]gg(?:er|a)s?|f[a@]gg?ots?|k[i1]kes?|ch[i1]nks?|retards?)\b/i,
			/\b(?:how (?:do I|do you|does one|to|can I|can you|would I|would you|could I)|teach me(?: how)? to|(?:tell|show) me how to|steps to|instructions (?:for|to)|recipe for|rundown for|guide (?:for|to))\b.{0,40}\b(?:make|build|craft|cook|synthesi[sz]e|synthesi[sz]ing|produce|manufacture|brew|grow|extract)\b.{0,30}\b(?:(?<!\b(?:bath|seed|glitter|flavou?r|photo|cherry|stink|water|calorie|chocolate|cocoa) )bombs?|pipe ?bombs?|explosives?|napalm|molotov|missiles?|grenades?|nitroglycerin|thermite|chloroform|meth(?:amphetamine)?|lsd|cocaine|crack|heroin|fentanyl|psilocybin|dmt|ghb|rohypnol|mdma|ricin|sarin|nerve agents?|poisons?)\b(?![^.?!\n]{0,40}\b(?:in|for) (?:minecraft|terraria|fortnite|roblox|skyrim|fallout|gta|the sims|(?:a|my|the|this) (?:video )?game)\b)/i,
			/\b(?:lewd|hentai|erotic|smutty?|porn(?:ographic)?|sexually explicit|x-rated)\b.{0,40}\b(?:story|stories|fanfic|fan fiction|role ?play|scene|poem|chat|script)\b|\b(?:story|fanfic|role ?play|scene)\b.{0,40}\b(?:lewd|hentai|erotic|smut|porn(?:ographic)?|sexually explicit)\b/i,
		],
	},
	{
		// Requests only: in a reply these words are often harmless ("you are right", "the sex of the kitten").
		// The first 2,000 characters: the look-around costs up to the text's length per matched word.
		signal: "nsfw",
		field: "input",
		within: 2000,
		patterns: [
			// Asking for sexual content: a request to write, play or describe, and sexual words in the same message.
			// The sexual word first, then the look around it: the costly part runs only where a word matched.
			new RegExp(String.raw`${SEXUAL}(?:(?<=\b${ASK_FOR_TEXT}\b[\s\S]*)|(?=[\s\S]*\b${ASK_FOR_TEXT}\b))`, "i"),
			// Asking how to commit a crime against someone, or how to take hard drugs.
			/\b(?:how (?:do I|do you|does one|to|can I|can you|would I|would you|could I|should I)|teach me(?: how)? to|(?:tell|show) me how to|steps to|ways to|best way to|guide (?:for|to))\b.{0,30}\b(?:steal (?:a |an |someone|from|money|credit)|hot-?wire|hi(?:gh)?jack (?:a|an|someone)|shoplift|launder money|hack into|break into (?:a|an|someone)|forge (?:a|an)|counterfeit|make (?:a )?fake (?:id|passport|money)|hide (?:a body|malicious|malware)|poison (?:someone|a person|my)|stalk)\b|\b(?:smoke|snort|inject|shoot up|cook|buy|get high on|dose)\s+(?:some )?(?:meth|crack|heroin|cocaine|coke|fentanyl|lsd|mdma|ketamine)\b/i,
			// Asking for hateful jokes or texts about a group.
			/\b(?:racist|sexist|homophobic|transphobic|antisemitic|anti-semitic|offensive|bigoted)\s+(?:jokes?|poems?|stories|story|songs?|raps?|slurs?|insults?|comments?|tweets?)\b|\b(?:jew|jewish|muslim|black|gay|asian|mexican|arab|chinese|indian)\s+jokes?\b|\bjokes? about (?:jews|jewish people|muslims|islam|black people|blacks|gays|gay people|asians|mexicans|arabs|immigrants|trans people)\b/i,
		],
	},
];
