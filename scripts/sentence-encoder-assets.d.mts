/** Where the sentence encoder's files are copied (models/use-lite/, absolute). */
export const SENTENCE_ENCODER_ASSETS: string;
/** Copies the model files into `target` (if missing or changed) and returns their names. */
export function copySentenceEncoderAssets(target?: string): string[];
