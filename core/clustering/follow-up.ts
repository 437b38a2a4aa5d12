/**
 * A follow-up is a turn that carries on the conversation's current request instead of making a
 * new one: an acknowledgement or thanks ("Perfect, thank you so much!"), a nudge ("Still
 * waiting…", "Hello?"), a retry ("Try again please"), a yes / no, or a complaint about the last
 * answer ("That's not what I asked for"). Such a turn belongs to the intent of the conversation,
 * not to an intent of its own: clustered, "Try again please" would become an intent called retry.
 *
 * Read lexically: once politeness, filler and follow-up words are taken out, nothing is left
 * that names a task or a thing. Cheap, exact, and language-independent in the sense that
 * matters: a request in another language keeps its words and is no follow-up.
 */
const FOLLOW_UP_WORDS = new Set(
	// acknowledgements, thanks, praise
	(
		"ok okay k kk sure yes yeah yep yup no nope nah fine alright right cool great perfect awesome amazing nice good " +
		"excellent brilliant wonderful fantastic super lovely thanks thank thx ty cheers appreciate appreciated much so very " +
		"really lot lifesaver legend star best exactly perfectly well now needed you're youre are what need helpful help " +
		"helped works worked working work done got it that this " +
		// nudges and retries
		"still waiting wait hello hi hey anyone there any news update try again retry once more another one please pls " +
		"find found anything something else did do does you can could would will me us is are was were be been it's that's " +
		// complaints about the last answer
		"not wrong right asked ask said told already why this useless ugh hmm um uh what's whats how come seriously again " +
		"last week yesterday before earlier used " +
		"didn't doesn't isn't wasn't don't can't won't i i'm im my the a an and or but to of for on in at with just all " +
		"answer answers reply response"
	).split(" "),
);

/** Above this many words a turn says something of its own, whatever its words. */
const MAX_WORDS = 10;

export function isFollowUp(text: string): boolean {
	const words = text
		.toLowerCase()
		.replace(/[’‘]/g, "'")
		.split(/[^\p{L}\p{N}']+/u)
		.map((w) => w.replace(/^'+|'+$/g, ""))
		.filter(Boolean);
	if (words.length === 0) return true;
	if (words.length > MAX_WORDS) return false;
	return words.every((w) => FOLLOW_UP_WORDS.has(w));
}
