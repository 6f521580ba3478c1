// The pickle opcode table (protocols 0-5) as CPython's pickletools documents it: byte, name, protocol, meaning.

/** One row of the opcode table. */
export interface OpcodeInfo {
  readonly code: number;
  readonly name: string;
  /** Lowest protocol that emits it. */
  readonly proto: number;
  /** What it does to the stack / memo (pickletools wording, shortened). */
  readonly doc: string;
  /** False for opcodes this reader knows but deliberately refuses. */
  readonly supported: boolean;
}

/** Byte value of each opcode, by pickletools name. */
export const OP = {
  MARK: 0x28,
  STOP: 0x2e,
  POP: 0x30,
  POP_MARK: 0x31,
  DUP: 0x32,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  INT: 0x49,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  LONG: 0x4c,
  LONG1: 0x8a,
  LONG4: 0x8b,
  FLOAT: 0x46,
  BINFLOAT: 0x47,
  STRING: 0x53,
  BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55,
  BINBYTES: 0x42,
  SHORT_BINBYTES: 0x43,
  BINBYTES8: 0x8e,
  BYTEARRAY8: 0x96,
  UNICODE: 0x56,
  BINUNICODE: 0x58,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_LIST: 0x5d,
  LIST: 0x6c,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  DICT: 0x64,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  GET: 0x67,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  PUT: 0x70,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  MEMOIZE: 0x94,
  GLOBAL: 0x63,
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52,
  BUILD: 0x62,
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  INST: 0x69,
  OBJ: 0x6f,
  PERSID: 0x50,
  BINPERSID: 0x51,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  PROTO: 0x80,
  FRAME: 0x95,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

function op(ch: string, name: keyof typeof OP, proto: number, doc: string, supported = true): OpcodeInfo {
  const code = OP[name];
  if (code !== ch.charCodeAt(0)) throw new Error(`pickle opcode table: ${name} is not ${ch}`);
  return { code, name, proto, doc, supported };
}

/** Every pickle opcode; the VM in `unpickler.ts` switches on these codes. */
export const OPCODES: readonly OpcodeInfo[] = [
  // --- stack structure
  op('(', 'MARK', 0, 'push a mark; the next TUPLE/LIST/DICT/APPENDS/SETITEMS/... collects items above it'),
  op('.', 'STOP', 0, 'end of pickle; the top of the stack is the result'),
  op('0', 'POP', 0, 'discard the top of the stack'),
  op('1', 'POP_MARK', 1, 'discard everything down to and including the topmost mark'),
  op('2', 'DUP', 0, 'push a copy of the top of the stack'),
  // --- constants and numbers
  op('N', 'NONE', 0, 'push None'),
  op('\x88', 'NEWTRUE', 2, 'push True'),
  op('\x89', 'NEWFALSE', 2, 'push False'),
  op('I', 'INT', 0, 'push an int (or bool 00/01) written as decimal text up to newline'),
  op('J', 'BININT', 1, 'push a 4-byte signed little-endian int'),
  op('K', 'BININT1', 1, 'push a 1-byte unsigned int'),
  op('M', 'BININT2', 1, 'push a 2-byte unsigned little-endian int'),
  op('L', 'LONG', 0, 'push a long written as decimal text (trailing L) up to newline'),
  op('\x8a', 'LONG1', 2, 'push a long: 1-byte length n, then n bytes two\'s-complement little-endian'),
  op('\x8b', 'LONG4', 2, 'push a long: 4-byte length n, then n bytes two\'s-complement little-endian'),
  op('F', 'FLOAT', 0, 'push a float written as decimal text up to newline'),
  op('G', 'BINFLOAT', 1, 'push an 8-byte big-endian IEEE double'),
  // --- strings and bytes
  op('S', 'STRING', 0, 'push a Python 2 str: quoted repr text up to newline'),
  op('T', 'BINSTRING', 1, 'push a Python 2 str: 4-byte length, then bytes'),
  op('U', 'SHORT_BINSTRING', 1, 'push a Python 2 str: 1-byte length, then bytes'),
  op('B', 'BINBYTES', 3, 'push bytes: 4-byte length, then bytes'),
  op('C', 'SHORT_BINBYTES', 3, 'push bytes: 1-byte length, then bytes'),
  op('\x8e', 'BINBYTES8', 4, 'push bytes: 8-byte length, then bytes'),
  op('\x96', 'BYTEARRAY8', 5, 'push a bytearray: 8-byte length, then bytes'),
  op('V', 'UNICODE', 0, 'push a str: raw-unicode-escape text up to newline'),
  op('X', 'BINUNICODE', 1, 'push a str: 4-byte length, then UTF-8 bytes'),
  op('\x8c', 'SHORT_BINUNICODE', 4, 'push a str: 1-byte length, then UTF-8 bytes'),
  op('\x8d', 'BINUNICODE8', 4, 'push a str: 8-byte length, then UTF-8 bytes'),
  // --- containers
  op(')', 'EMPTY_TUPLE', 1, 'push ()'),
  op('t', 'TUPLE', 0, 'replace the items above the topmost mark (and the mark) by a tuple of them'),
  op('\x85', 'TUPLE1', 2, 'replace the top item by a 1-tuple'),
  op('\x86', 'TUPLE2', 2, 'replace the top two items by a 2-tuple'),
  op('\x87', 'TUPLE3', 2, 'replace the top three items by a 3-tuple'),
  op(']', 'EMPTY_LIST', 1, 'push []'),
  op('l', 'LIST', 0, 'replace the items above the topmost mark by a list of them'),
  op('a', 'APPEND', 0, 'pop x and append it to the list below'),
  op('e', 'APPENDS', 1, 'pop the items above the mark and extend the list below the mark'),
  op('}', 'EMPTY_DICT', 1, 'push {}'),
  op('d', 'DICT', 0, 'replace key, value pairs above the topmost mark by a dict'),
  op('s', 'SETITEM', 0, 'pop value and key, set dict[key] = value on the dict below'),
  op('u', 'SETITEMS', 1, 'pop key, value pairs above the mark into the dict below the mark'),
  op('\x8f', 'EMPTY_SET', 4, 'push set()'),
  op('\x90', 'ADDITEMS', 4, 'pop the items above the mark and add them to the set below the mark'),
  op('\x91', 'FROZENSET', 4, 'replace the items above the mark by a frozenset of them'),
  // --- memo
  op('g', 'GET', 0, 'push memo[n], n as decimal text'),
  op('h', 'BINGET', 1, 'push memo[n], n a 1-byte index'),
  op('j', 'LONG_BINGET', 1, 'push memo[n], n a 4-byte index'),
  op('p', 'PUT', 0, 'memo[n] = top of stack, n as decimal text'),
  op('q', 'BINPUT', 1, 'memo[n] = top of stack, n a 1-byte index'),
  op('r', 'LONG_BINPUT', 1, 'memo[n] = top of stack, n a 4-byte index'),
  op('\x94', 'MEMOIZE', 4, 'memo[len(memo)] = top of stack'),
  // --- objects (every callable goes through the allow-list; nothing from the file runs)
  op('c', 'GLOBAL', 0, 'push the global module.name, both as text lines (allow-listed)'),
  op('\x93', 'STACK_GLOBAL', 4, 'pop name and module strings, push the global module.name (allow-listed)'),
  op('R', 'REDUCE', 0, 'pop args tuple and callable, push callable(*args) (allow-listed builders only)'),
  op('b', 'BUILD', 0, 'pop state, apply it to the object below (__setstate__ or __dict__ update)'),
  op('\x81', 'NEWOBJ', 2, 'pop args tuple and class, push cls.__new__(cls, *args)'),
  op('\x92', 'NEWOBJ_EX', 4, 'pop kwargs, args and class, push cls.__new__(cls, *args, **kwargs)'),
  op('i', 'INST', 0, 'old-style instance creation from module/name text lines', false),
  op('o', 'OBJ', 1, 'old-style instance creation from the items above the mark', false),
  op('P', 'PERSID', 0, 'push persistent_load(id), id as text up to newline'),
  op('Q', 'BINPERSID', 1, 'pop id, push persistent_load(id)'),
  op('\x82', 'EXT1', 2, 'push the copyreg extension registry entry (1-byte code)', false),
  op('\x83', 'EXT2', 2, 'push the copyreg extension registry entry (2-byte code)', false),
  op('\x84', 'EXT4', 2, 'push the copyreg extension registry entry (4-byte code)', false),
  // --- protocol framing
  op('\x80', 'PROTO', 2, 'protocol version byte (2-5 accepted)'),
  op('\x95', 'FRAME', 4, '8-byte frame length; frames are a buffering hint and are read through'),
  op('\x97', 'NEXT_BUFFER', 5, 'push the next out-of-band buffer', false),
  op('\x98', 'READONLY_BUFFER', 5, 'mark the top buffer read-only', false),
];

/** Opcode info by byte value (undefined for bytes that are no opcode). */
export const OPCODE_BY_CODE: ReadonlyMap<number, OpcodeInfo> = new Map(OPCODES.map((o) => [o.code, o]));
