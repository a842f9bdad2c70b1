// A registry file as bytes, read as clemcore reads it: `open(path, encoding='utf-8')` then `json.load`. What the
// decoding says about the bytes (a BOM, UTF-16, bytes that are not UTF-8) is one finding; the text is then checked
// like an open document, unless it is not UTF-8 text at all.
import { DIAGNOSTIC_CODES } from './codes';
import { RegistryDocument, applySeverityOverrides } from './registryDocument';
import type { RegistryDiagnostic, ServiceSettings, Severity } from './types';

export interface CheckedBytes {
  /** The text the findings' offsets refer to: the bytes decoded as UTF-8, without a leading BOM (editors hide it). */
  text: string;
  /** Top to bottom. */
  diagnostics: RegistryDiagnostic[];
}

const FILE_IGNORED = 'so json.load fails and clemcore ignores the whole file';

/** Checks a registry file's bytes. */
export function checkRegistryBytes(bytes: Uint8Array, settings: ServiceSettings = {}): CheckedBytes {
  const foreign = foreignEncoding(bytes);
  if (foreign) {
    const finding = fileFinding(0, `The file looks like ${foreign}, not UTF-8: clemcore opens registries as UTF-8, ${FILE_IGNORED}. Save it as UTF-8.`);
    return { text: '', diagnostics: applySeverityOverrides([finding], settings) };
  }
  let boms = 0;
  while (hasUtf8Bom(bytes, boms * 3)) boms++;
  const body = bytes.subarray(boms * 3);
  const findings: RegistryDiagnostic[] = [];
  if (boms > 0) {
    // Only the BOM stands in Python's way; the rest is checked so that the file is right once it is gone.
    findings.push(fileFinding(0, `The file starts with ${boms === 1 ? 'a UTF-8 byte order mark (BOM)' : `${boms} UTF-8 byte order marks (BOM)`}: Python's json.load rejects it ("Unexpected UTF-8 BOM"), so clemcore ignores the whole file. Save the file as UTF-8 without BOM.`));
  }
  const decoded = decodeUtf8(body);
  if (decoded.invalid) {
    const { offset, count, byte } = decoded.invalid;
    // Many bytes that are not UTF-8: a binary or another encoding, whose decoded characters say nothing useful.
    if (count >= Math.max(MIN_INVALID_FOR_BINARY, body.length / 100)) {
      findings.push(fileFinding(offset, `The file is not UTF-8 text: ${count.toLocaleString('en-US')} byte sequences in it are not UTF-8, the first here (byte 0x${hex(byte)}). clemcore opens registries as UTF-8, ${FILE_IGNORED} (UnicodeDecodeError). Save it as UTF-8.`));
      return { text: decoded.text, diagnostics: applySeverityOverrides(findings, settings) };
    }
    // A few stray bytes (a Latin-1 "é"): said once, and the rest of the file is still checked.
    findings.push(fileFinding(offset, `Byte 0x${hex(byte)} here is not UTF-8${count > 1 ? ` (nor are ${count - 1} more byte sequences in the file)` : ''}: clemcore opens registries as UTF-8, ${FILE_IGNORED} (UnicodeDecodeError). Save the file as UTF-8.`));
  }
  const diagnostics = applySeverityOverrides(findings, settings);
  for (const d of new RegistryDocument(decoded.text, settings).diagnostics()) diagnostics.push(d);
  // Stable: the findings about the bytes come first at their offset.
  diagnostics.sort((a, b) => a.offset - b.offset);
  return { text: decoded.text, diagnostics };
}

/** Fewer invalid sequences than this are stray bytes, never a binary. */
const MIN_INVALID_FOR_BINARY = 8;

function fileFinding(offset: number, message: string): RegistryDiagnostic {
  return { code: 'json-syntax', severity: DIAGNOSTIC_CODES['json-syntax'].severity as Severity, message, offset, length: 0, path: [] };
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function hasUtf8Bom(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
}

/**
 * The encoding the bytes look like when it is UTF-16 or UTF-32 (by byte order mark, or by the NUL bytes that ASCII
 * text has in them, as Python's json.detect_encoding tells them), or another binary with many NUL bytes.
 */
function foreignEncoding(b: Uint8Array): string | undefined {
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 (big-endian, with a byte order mark)';
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return 'UTF-32 (little-endian, with a byte order mark)';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 (big-endian, with a byte order mark)';
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16 (little-endian, with a byte order mark)';
  const head = b.subarray(0, 4096);
  let nuls = 0;
  for (const byte of head) if (byte === 0) nuls++;
  // ASCII text is half NUL bytes in UTF-16 and three quarters in UTF-32; a stray NUL in a UTF-8 file is left to the
  // syntax check, which points at it.
  if (head.length < 2 || nuls * 4 < head.length) return undefined;
  if (b[0] === 0) return b[1] === 0 ? 'UTF-32 (big-endian, without a byte order mark)' : 'UTF-16 (big-endian, without a byte order mark)';
  if (b[1] === 0) return b[2] === 0 && b[3] === 0 ? 'UTF-32 (little-endian, without a byte order mark)' : 'UTF-16 (little-endian, without a byte order mark)';
  return 'a binary file (a quarter of its first bytes are NUL)';
}

interface Decoded {
  text: string;
  /** The first byte that is not UTF-8, as an offset into `text` (where its U+FFFD stands), and how many there are. */
  invalid?: { offset: number; byte: number; count: number };
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The bytes as UTF-8; where they are not, each bad sequence becomes U+FFFD, as an editor shows it. */
function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const first = firstInvalidUtf8(bytes);
    const text = lenient.decode(bytes);
    const offset = lenient.decode(bytes.subarray(0, first)).length;
    return { text, invalid: { offset, byte: bytes[first], count: invalidSequences(bytes, first) } };
  }
}

/** The length of the UTF-8 sequence that starts with `lead` and what its second byte may be, or 0 for a bad lead. */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  if (lead < 0x80) return 1;
  let length: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) lo = 0xa0; // no overlong forms
    if (lead === 0xed) hi = 0x9f; // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) lo = 0x90;
    if (lead === 0xf4) hi = 0x8f; // nothing past U+10FFFF
  } else return 0;
  if (i + length > bytes.length) return 0;
  if (bytes[i + 1] < lo || bytes[i + 1] > hi) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  return length;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const n = sequenceAt(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return bytes.length;
}

/** How many bad sequences there are from `from` on (a run of bad bytes counts once per byte). */
function invalidSequences(bytes: Uint8Array, from: number): number {
  let count = 0;
  for (let i = from; i < bytes.length;) {
    const n = sequenceAt(bytes, i);
    if (n === 0) {
      count++;
      i++;
    } else i += n;
  }
  return count;
}
