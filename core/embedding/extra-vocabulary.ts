/**
 * Conversational words that news-heavy GloVe frequency ranks push past the top-25k cut,
 * kept in the table so chat text embeds well. Adding words here needs `npm run build:embeddings`.
 */
export const EXTRA_VOCABULARY = [
	"thanks thx ty thank thankyou appreciated appreciate lifesaver awesome amazing brilliant perfect legend helpful",
	"lol lmao omg wtf ugh argh meh hmm nope yep yeah yup okay ok pls plz idk tbh btw imo",
	"sorry apologize apologise apologies apology regret unfortunately afraid unable cannot",
	"useless stupid dumb idiot annoying frustrating frustrated ridiculous pathetic terrible horrible garbage trash worthless incompetent clueless",
	"wrong incorrect mistake nonsense hallucinate hallucinating hallucination repeating repeat again already told said mentioned",
	"listen listening understand ignoring ignored forgot forgotten forget remember reminded",
	"placeholder etc ellipsis rest remaining truncated omitted snippet implement implementation todo",
	"jailbreak roleplay pretend persona unrestricted unfiltered uncensored dan developer mode ignore instructions rules guidelines policy prompt",
	"nsfw nude naked porn explicit sexual sex erotic horny suicide kill murder rape racist slur",
	"chatbot assistant ai bot gpt model",
];
