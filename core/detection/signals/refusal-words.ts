/** The apology and inability words a refusal and an excessive apology share (see signal-vocabulary.ts). */
export const REFUSAL_WORDS = "sorry apologize apologies unfortunately afraid please ca n't cannot can not unable able won't wo".split(" ");
