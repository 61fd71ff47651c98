// The YAML of a users file, read a list entry at a time. The yaml package's whole-file syntax tree
// takes about fifty times the file's size (a 50 MB file needed 2.4 GB), so the parser's top-level
// list is cut into batches of entries as it grows, each batch composed and turned into plain values
// on its own, then dropped: memory stays within a few times the file's size, whatever its length.
//
// The values follow YAML's rules, with these guards:
// - anchors and aliases work across the whole file (an alias names the latest anchor before it);
// - merge keys (`<<: *defaults`, `<<: [*a, *b]`) copy the keys a mapping does not set itself,
//   the first merged mapping winning over later ones;
// - an alias shares its anchor's value rather than copying it, and aliases may repeat at most
//   LIMITS.users_file_alias_ratio_max values per value written in the file (or
//   LIMITS.users_file_alias_values_min in all): a "billion laughs" file is refused at once;
// - only the tags of plain YAML values are accepted (!!str, !!int, !!float, !!bool, !!null,
//   !!map, !!seq, and `!`); any other (`!!js/function`, `!custom`, `!!binary`...) is refused
//   naming its line, instead of being read as text.
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type Alias,
  type CST,
  type Document,
  type ParsedNode,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ImportError } from '../domain/importUsers.js';
import { LIMITS } from '../domain/limits.js';

/**
 * Entries composed together. Small batches die young, before the garbage collector moves them to
 * the old generation: with 16, reading a 50 MB file peaked at 260 MB here, against 630 MB with 256.
 */
const BATCH = 16;
/** How often (in lexical tokens, a few per line) the parser's list is checked for a batch to cut. */
const CHECK_EVERY = 256;

const YAML_TAG = 'tag:yaml.org,2002:';
/** The tags of plain values; `!` is YAML's non-specific tag (a plain string). */
const PLAIN_TAGS = new Set(['!', ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'merge'].map((name) => YAML_TAG + name)]);
const PLAIN_VALUES = 'a users file holds plain YAML values only: text, numbers, true/false, lists and mappings';

/** One entry of the top-level list: its value, and the line of its `-`. */
export interface ListItem {
  value: unknown;
  /** whether the value is a mapping (an object made from a YAML mapping) */
  isMapping: boolean;
  line: number;
}

/** A tag as it is written: `!!name` for YAML's own, `!name` for local ones, `!<...>` otherwise. */
function shownTag(tag: string): string {
  if (tag.startsWith(YAML_TAG)) return `!!${tag.slice(YAML_TAG.length)}`;
  return tag.startsWith('!') ? tag : `!<${tag}>`;
}

interface Resolved {
  value: unknown;
  /** how many values it holds (itself included), counted when an alias repeats it */
  size: number;
}

/** Turns composed nodes into plain values, keeping the anchors of the whole file. */
class Values {
  private readonly anchors = new Map<string, Resolved>();
  /** the objects made from mappings (a merge key accepts only these) */
  private readonly mappings = new WeakSet<object>();
  private written = 0;
  private repeated = 0;

  constructor(private readonly lines: LineCounter) {}

  lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private lineOf(node: { range?: readonly number[] | null } | null | undefined): number {
    return this.lineAt(node?.range?.[0] ?? 0);
  }

  isMapping(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && this.mappings.has(value);
  }

  checkTag(node: ParsedNode | Alias): void {
    if (node.tag && !PLAIN_TAGS.has(node.tag)) {
      throw new ImportError(null, `line ${this.lineOf(node)}: unknown tag '${shownTag(node.tag)}' (${PLAIN_VALUES})`);
    }
  }

  resolve(node: ParsedNode | Alias | null): Resolved {
    if (node === null) {
      this.written++;
      return { value: null, size: 1 };
    }
    this.checkTag(node);
    if (isAlias(node)) return this.alias(node);
    let resolved: Resolved;
    if (isScalar(node)) {
      this.written++;
      resolved = { value: node.value, size: 1 };
    } else if (isMap(node)) {
      resolved = this.map(node as YAMLMap<ParsedNode, ParsedNode | null>);
    } else if (isSeq(node)) {
      resolved = this.seq(node as YAMLSeq<ParsedNode>);
    } else {
      throw new ImportError(null, `line ${this.lineOf(node)}: ${PLAIN_VALUES}`);
    }
    if (node.anchor) this.anchors.set(node.anchor, resolved);
    return resolved;
  }

  private alias(node: Alias): Resolved {
    const found = this.anchors.get(node.source);
    if (!found) throw new ImportError(null, `line ${this.lineOf(node)}: alias '*${node.source}' refers to no anchor defined before it`);
    this.repeated += found.size;
    const allowed = Math.max(LIMITS.users_file_alias_values_min, LIMITS.users_file_alias_ratio_max * this.written);
    if (this.repeated > allowed) {
      throw new ImportError(
        null,
        `line ${this.lineOf(node)}: aliases repeat more than ${allowed.toLocaleString('en')} values ` +
          `(${LIMITS.users_file_alias_ratio_max} for each value written in the file, or ${LIMITS.users_file_alias_values_min.toLocaleString('en')} in all, ` +
          'whichever is more): refused as a "billion laughs" file',
      );
    }
    return found;
  }

  private map(node: YAMLMap<ParsedNode, ParsedNode | null>): Resolved {
    this.written++;
    const value: Record<string, unknown> = {};
    this.mappings.add(value);
    let size = 1;
    const merged: Array<Record<string, unknown>> = [];
    for (const pair of node.items) {
      const key = pair.key as ParsedNode | null;
      // With merge keys on, a plain `<<` key is composed as a symbol.
      if (isScalar(key) && typeof key.value === 'symbol') {
        const sources = this.resolve(pair.value as ParsedNode | null);
        for (const source of Array.isArray(sources.value) ? sources.value : [sources.value]) {
          if (!this.isMapping(source)) {
            throw new ImportError(null, `line ${this.lineOf(pair.value as ParsedNode | null ?? key)}: the merge key '<<' takes a mapping, an alias of one, or a list of them`);
          }
          merged.push(source);
        }
        size += sources.size;
        continue;
      }
      const name = this.resolve(key);
      if (typeof name.value === 'object' && name.value !== null) {
        throw new ImportError(null, `line ${this.lineOf(key)}: a key must be text, not a list or a mapping`);
      }
      const item = this.resolve(pair.value as ParsedNode | null);
      // Defined rather than assigned: a key such as `__proto__` stays a plain key.
      Object.defineProperty(value, name.value === null ? '' : String(name.value), { value: item.value, writable: true, enumerable: true, configurable: true });
      size += name.size + item.size;
    }
    // The mapping's own keys win; among merged mappings, the first one to set a key wins.
    for (const source of merged) {
      for (const [name, item] of Object.entries(source)) {
        if (!Object.hasOwn(value, name)) Object.defineProperty(value, name, { value: item, writable: true, enumerable: true, configurable: true });
      }
    }
    return { value, size };
  }

  private seq(node: YAMLSeq<ParsedNode>): Resolved {
    this.written++;
    const value: unknown[] = [];
    let size = 1;
    for (const item of node.items) {
      const resolved = this.resolve(item);
      value.push(resolved.value);
      size += resolved.size;
    }
    return { value, size };
  }
}

/** The offset of each item's `-` in a block list. */
function itemOffsets(items: CST.BlockSequence['items']): Array<number | undefined> {
  return items.map((item) => item.start.find((token) => token.type === 'seq-item-ind')?.offset);
}

/** The entries of the file's top-level list, in order; throws an ImportError naming the line at fault. */
export function* yamlListItems(text: string): Generator<ListItem, void, undefined> {
  const lines = new LineCounter();
  lines.addNewLine(0);
  const parser = new Parser(lines.addNewLine);
  // The yaml package's other known tags (!!binary, !!set, !!timestamp...) are not resolved: they
  // come out as unknown tags, reported at the tag itself.
  const composer = new Composer({ merge: true, uniqueKeys: true, resolveKnownTags: false, prettyErrors: false });
  const values = new Values(lines);
  /** the composed documents not yet read, with the offsets of their items */
  const composed: Array<Document.Parsed> = [];
  const offsets: Array<Array<number | undefined>> = [];
  let document: CST.Document | null = null;

  const oneDocument = (token: CST.Document) => {
    document ??= token;
    if (token !== document) throw new ImportError(null, `line ${values.lineAt(token.offset)}: a users file holds one YAML document; another starts here`);
  };
  const compose = (token: CST.Token) => {
    if (token.type === 'document') {
      oneDocument(token);
      offsets.push(token.value?.type === 'block-seq' ? itemOffsets(token.value.items) : []);
    }
    for (const doc of composer.next(token)) composed.push(doc);
  };
  // The finished entries of the top-level list, composed as a document of their own (the last two
  // stay: the parser may still add to them).
  const splitOff = () => {
    const [top, list] = parser.stack;
    if (top?.type !== 'document') return;
    oneDocument(top);
    if (list?.type !== 'block-seq' || list.items.length < BATCH + 2) return;
    const batch = list.items.splice(0, list.items.length - 2);
    offsets.push(itemOffsets(batch));
    const value: CST.BlockSequence = { type: 'block-seq', offset: list.offset, indent: list.indent, items: batch };
    for (const doc of composer.next({ type: 'document', offset: top.offset, start: top.start, value })) composed.push(doc);
  };

  function* read(): Generator<ListItem, void, undefined> {
    while (composed.length > 0) {
      const doc = composed.shift()!;
      const starts = offsets.shift() ?? [];
      const error = doc.errors[0];
      if (error) throw new ImportError(null, `not valid YAML at line ${values.lineAt(error.pos[0])}: ${error.message.split('\n')[0]}`);
      for (const warning of doc.warnings) {
        if (warning.code !== 'TAG_RESOLVE_FAILED' && warning.code !== 'BAD_COLLECTION_TYPE') continue;
        const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1];
        const what = tag ? `unknown tag '${shownTag(tag)}'` : warning.message.split('\n')[0];
        throw new ImportError(null, `line ${values.lineAt(warning.pos[0])}: ${what} (${PLAIN_VALUES})`);
      }
      const list = doc.contents;
      if (list === null) continue;
      if (!isSeq(list)) throw new ImportError(null, 'the top level must be a list of users (each starting with "- username: ...")');
      values.checkTag(list);
      for (const [i, node] of (list.items as Array<ParsedNode | null>).entries()) {
        const { value } = values.resolve(node);
        yield { value, isMapping: values.isMapping(value), line: values.lineAt(starts[i] ?? node?.range?.[0] ?? 0) };
      }
    }
  }

  let count = 0;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) compose(token);
    if (++count % CHECK_EVERY === 0) splitOff();
    if (composed.length > 0) yield* read();
  }
  for (const token of parser.end()) compose(token);
  for (const doc of composer.end()) composed.push(doc);
  yield* read();
}
