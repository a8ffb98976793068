/**
 * What free text may not hold: control characters (they break a line of a log or a file), and the
 * invisible and direction-changing characters (zero-width spaces and joiners, the bidi marks,
 * embeddings, overrides and isolates, word joiners, the byte-order mark) with which a name can be
 * made to look like another one (`Evil\u202Eexe.txt`, `李\u200B宜君`).
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** Why a text is refused, or null when it is fine. */
export function textProblem(text: string): string | null {
  if (CONTROL.test(text)) return '不能包含控制字符';
  if (INVISIBLE.test(text)) return '不能包含不可见字符或文字方向控制符';
  return null;
}
