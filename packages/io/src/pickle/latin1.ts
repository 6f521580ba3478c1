// Latin-1 (ISO-8859-1) both ways, as Node's Buffer 'latin1' does it, in plain JavaScript so the reader runs in a
// browser too (TextDecoder's 'latin1' is windows-1252, which differs in 0x80-0x9f).

/** Each byte becomes the code point of the same value. */
export function latin1Decode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Each UTF-16 code unit becomes one byte: its low 8 bits (as Buffer.from(s, 'latin1')). */
export function latin1Encode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}
