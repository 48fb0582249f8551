// Rewrites one statement written for SQLite (as the store modules write them) into PostgreSQL's
// dialect where the rewrite is mechanical, and refuses, naming the construct and the statement,
// where it is not: a store module that meets the refusal needs its own PostgreSQL query.
//
// Mechanical (same result on both): named (@name, :name, $name) and positional (?) parameters
// become $1..$n; unixepoch(x) is the epoch seconds of x read as UTC; group_concat(x, sep) is
// string_agg over x as text; instr is strpos; ifnull is COALESCE; the two-argument max/min are
// GREATEST/LEAST; `a IS b` / `a IS NOT b` between values are IS [NOT] DISTINCT FROM; LIKE is
// ILIKE (SQLite's LIKE ignores ASCII case); COLLATE BINARY (SQLite's default, by code point) is
// COLLATE "C", whatever collation the server's database was made with; CAST(x AS INTEGER) is bigint (SQLite's integers are
// 64-bit); INSERT OR IGNORE is ON CONFLICT DO NOTHING; a subquery in FROM gets the alias
// PostgreSQL 15 requires; a table's STRICT / WITHOUT ROWID go; a column selected beside a GROUP BY
// that its WHERE fixes to one value (`WHERE file_id = ?`) joins the GROUP BY, as PostgreSQL wants;
// x GLOB 'pattern' is x ~ 'its regular expression'; unicode is ascii (the first character's code
// point in a UTF-8 database); a NULL id inserted is the table's next one; substr(x, -N) is right(x, N); CROSS JOIN … ON is JOIN … ON; char(n) is chr(n); date(x [, '±N days']) is the day as text, moved;
// json_extract(x, '$.a.b') is x's jsonb at that path; json_array_length and -> / ->> read their JSON text as jsonb;
// json_each(x) alias is jsonb_array_elements_text WITH ORDINALITY (value as text, key; the schema
// compares an id with that text as SQLite does); a camelCase name (an alias: the schema's names are snake_case) is quoted, or PostgreSQL would
// fold it to lower case and the row's key would not be the one the code reads.
// column COLLATE NOCASE (ordered by, or compared with a parameter) is lower(column COLLATE "C")
// against lower(parameter) likewise: ASCII capitals folded, as SQLite folds them.
// BEGIN IMMEDIATE is handled by the connection (it takes the store's write lock), not here.

/** Thrown for a statement that has no mechanical PostgreSQL equivalent: it names the construct and the statement. */
export class UntranslatableSqlError extends Error {
  constructor(construct: string, why: string, sql: string) {
    super(`This statement cannot run on PostgreSQL as written: ${construct} ${why}. Statement: ${oneLine(sql)}`);
    this.name = 'UntranslatableSqlError';
  }
}

/** A statement in PostgreSQL's dialect, with where each $n takes its value from. */
export type TranslatedSql = {
  readonly text: string;
  /** For each $n in order: the named parameter's name, or the index among the positional (?) ones. */
  readonly parameters: readonly (string | number)[];
  /** The table an INSERT writes to, when it is one (lastInsertRowid is read back from it). */
  readonly insertInto: string | undefined;
  readonly hasReturning: boolean;
  /** True for an INSERT that names the id column: the table's identity sequence must then catch up (sync-connection.ts). */
  readonly insertsId: boolean;
};

type Token = { kind: 'word' | 'string' | 'quoted' | 'param' | 'positional' | 'comment' | 'space' | 'symbol'; text: string };

function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const take = (kind: Token['kind'], end: number): void => {
    tokens.push({ kind, text: sql.slice(at, end) });
    at = end;
  };
  const closing = (quote: string, from: number): number => {
    let index = from + 1;
    for (;;) {
      const next = sql.indexOf(quote, index);
      if (next < 0) return sql.length;
      if (sql[next + 1] === quote) index = next + 2;
      else return next + 1;
    }
  };
  while (at < sql.length) {
    const char = sql[at] ?? '';
    const rest = sql.slice(at);
    if (/\s/.test(char)) take('space', at + (/^\s+/.exec(rest)?.[0].length ?? 1));
    else if (rest.startsWith('--')) take('comment', sql.includes('\n', at) ? sql.indexOf('\n', at) : sql.length);
    else if (rest.startsWith('/*')) take('comment', sql.includes('*/', at) ? sql.indexOf('*/', at) + 2 : sql.length);
    else if (char === "'") take('string', closing("'", at));
    else if (char === '"' || char === '`') take('quoted', closing(char, at));
    else if (/[@:$]/.test(char) && /^[@:$][A-Za-z_]\w*/.test(rest) && !rest.startsWith('::')) take('param', at + (/^[@:$][A-Za-z_]\w*/.exec(rest)?.[0].length ?? 1));
    else if (char === '?') take('positional', at + (/^\?\d*/.exec(rest)?.[0].length ?? 1));
    else if (/[A-Za-z_]/.test(char)) take('word', at + (/^[A-Za-z_]\w*/.exec(rest)?.[0].length ?? 1));
    else if (/\d/.test(char)) take('word', at + (/^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest)?.[0].length ?? 1));
    else if (rest.startsWith('->>')) take('symbol', at + 3);
    else take('symbol', at + (['->', '<>', '!=', '<=', '>=', '||', '==', '$$', '::'].includes(rest.slice(0, 2)) ? 2 : 1));
  }
  return tokens;
}

const isCode = (token: Token): boolean => token.kind !== 'space' && token.kind !== 'comment';
const upper = (token: Token | undefined): string => (token?.kind === 'word' ? token.text.toUpperCase() : '');

/** Constructs refused wherever they appear as words, with why. */
const REFUSED_WORDS: Readonly<Record<string, string>> = {
  MATCH: 'is SQLite full-text search (FTS5); PostgreSQL searches with its own index and query',
  ROWID: 'is SQLite’s hidden row number; PostgreSQL tables have none',
  SQLITE_SCHEMA: 'is SQLite’s catalogue',
  SQLITE_MASTER: 'is SQLite’s catalogue',
  NOCASE: 'is a SQLite collation, translated only on a column ordered by or compared with a parameter; compare lower() values instead',
  PRAGMA: 'is SQLite’s settings statement',
};

/** Functions refused when called, with why. */
const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  JSON_VALID: 'has no PostgreSQL 15 equivalent; the PostgreSQL schema checks JSON by casting to jsonb',
  JSON_TYPE: 'differs from jsonb_typeof',
  JSON_QUOTE: 'has no equivalent (to_jsonb(x)::text)',
  JSON_GROUP_ARRAY: 'is jsonb_agg with different typing',
  STRFTIME: 'takes SQLite format codes; use to_char',
  JULIANDAY: 'has no equivalent',
  DATETIME: 'takes SQLite modifiers; use timestamp arithmetic',
  LAST_INSERT_ROWID: 'does not exist; the statement’s RETURNING id gives it',
  CHANGES: 'does not exist; the statement’s row count gives it',
  TOTAL: 'is a float sum; use SUM',
  TYPEOF: 'does not exist',
  PRINTF: 'takes C formats; use format()',
};

/** The arguments of the call whose '(' is at `open`: token ranges split at top-level commas, and the index of its ')'. */
function callArguments(tokens: Token[], open: number): { args: [number, number][]; close: number } {
  const args: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  for (let index = open; index < tokens.length; index++) {
    const text = tokens[index]?.kind === 'symbol' ? tokens[index]?.text : '';
    if (text === '(') depth++;
    else if (text === ')') {
      depth--;
      if (depth === 0) {
        if (index > start || args.length > 0) args.push([start, index]);
        return { args, close: index };
      }
    } else if (text === ',' && depth === 1) {
      args.push([start, index]);
      start = index + 1;
    }
  }
  return { args, close: tokens.length - 1 };
}

function nextCode(tokens: Token[], from: number): number {
  let index = from;
  while (index < tokens.length && !isCode(tokens[index] as Token)) index++;
  return index;
}

/** True for the REPLACE of `CREATE OR REPLACE` (a function, a view), which both dialects write alike. */
function isCreateOrReplace(tokens: Token[], replaceAt: number): boolean {
  const or = previousCode(tokens, replaceAt - 1);
  return upper(tokens[or]) === 'OR' && upper(tokens[previousCode(tokens, or - 1)]) === 'CREATE';
}

function previousCode(tokens: Token[], from: number): number {
  let index = from;
  while (index >= 0 && !isCode(tokens[index] as Token)) index--;
  return index;
}

function textOf(tokens: Token[], [start, end]: [number, number]): string {
  return tokens
    .slice(start, end)
    .map((token) => token.text)
    .join('')
    .trim();
}

/**
 * json_each(x) [AS] alias, in FROM: the elements of the JSON array x as text, `value`, and their
 * place, `key` (from 1 here, from 0 in SQLite: the store only orders by it). The alias is kept, or
 * json_each's own name given, since PostgreSQL names the columns only through one.
 */
function eachJsonElement(tokens: Token[], index: number, open: number, sql: string): void {
  const { args, close } = callArguments(tokens, open);
  if (args.length !== 1) throw new UntranslatableSqlError('json_each() with a path', 'has no mechanical equivalent', sql);
  let aliasAt = nextCode(tokens, close + 1);
  let end = close;
  let alias = 'json_each';
  if (upper(tokens[aliasAt]) === 'AS') aliasAt = nextCode(tokens, aliasAt + 1);
  const candidate = tokens[aliasAt];
  if (candidate?.kind === 'word' && !AFTER_FROM_ITEM.has(upper(candidate))) {
    alias = candidate.text;
    end = aliasAt;
  }
  tokens.splice(close, end - close + 1, { kind: 'space', text: ` AS jsonb)) WITH ORDINALITY AS ${alias}(value, key)` });
  tokens.splice(open, 1, { kind: 'space', text: '(CAST(' });
  (tokens[index] as Token).text = 'jsonb_array_elements_text';
}

/** A GLOB pattern (*, ?, [...]) as the anchored POSIX regular expression PostgreSQL's ~ takes. */
function globToRegex(glob: string): string {
  let regex = '^';
  let isInClass = false;
  for (const char of glob) {
    if (isInClass) {
      regex += char === '\\' ? '\\\\' : char;
      if (char === ']') isInClass = false;
    } else if (char === '*') regex += '.*';
    else if (char === '?') regex += '.';
    else if (char === '[') {
      regex += '[';
      isInClass = true;
    } else regex += /[.^$+(){}|\\]/.test(char) ? `\\${char}` : char;
  }
  return `${regex}$`;
}

/**
 * An argument as text: a lone parameter is cast to text first, or PostgreSQL would type the
 * parameter by this one use (timestamptz, date) and refuse its other uses, comparisons with text.
 */
function asText(tokens: Token[], range: [number, number]): string {
  const code = tokens.slice(range[0], range[1]).filter(isCode);
  const text = textOf(tokens, range);
  return code.length === 1 && (code[0]?.kind === 'param' || code[0]?.kind === 'positional') ? `CAST(${text} AS text)` : text;
}

const COMPARISONS = new Set(['=', '==', '<>', '!=', '<', '<=', '>', '>=']);

/**
 * `column COLLATE NOCASE` (its COLLATE at `collate`, NOCASE at `nocase`), ordered by or compared
 * with a parameter: SQLite folds ASCII capitals on both sides, as lower() does under the "C"
 * collation, which also compares by code point. Any other use is refused. Returns the index of
 * the last token rewritten.
 */
function foldCase(tokens: Token[], collate: number, nocase: number, sql: string): number {
  let start = previousCode(tokens, collate - 1);
  while (tokens[start - 1]?.text === '.' && tokens[start - 2]?.kind === 'word') start -= 2;
  if (tokens[start]?.kind !== 'word') throw new UntranslatableSqlError('COLLATE NOCASE', 'applies to an expression; write it on a column', sql);
  const column = textOf(tokens, [start, collate]);
  tokens.splice(start, nocase - start + 1, { kind: 'space', text: `lower(${column} COLLATE "C")` });
  const operator = nextCode(tokens, start + 1);
  if (tokens[operator]?.kind !== 'symbol' || !COMPARISONS.has(tokens[operator]?.text ?? '')) return start;
  const operand = nextCode(tokens, operator + 1);
  const kind = tokens[operand]?.kind;
  if (kind !== 'param' && kind !== 'positional') throw new UntranslatableSqlError('COLLATE NOCASE', 'is compared with something other than a parameter', sql);
  tokens.splice(operand + 1, 0, { kind: 'space', text: ' AS text) COLLATE "C")' });
  tokens.splice(operand, 0, { kind: 'space', text: 'lower(CAST(' });
  return operand + 2;
}

/** Rewrites the function calls, keywords and types in place (tokens replaced by rewritten text). */
function rewrite(tokens: Token[], sql: string): void {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    const word = upper(token);
    if (token.kind === 'symbol' && (token.text === '->' || token.text === '->>')) {
      // SQLite's JSON operators read JSON text; PostgreSQL's need jsonb: the operand (a column) is cast.
      let start = previousCode(tokens, index - 1);
      while (tokens[start - 1]?.text === '.' && tokens[start - 2]?.kind === 'word') start -= 2;
      if (tokens[start]?.kind !== 'word') throw new UntranslatableSqlError(token.text, 'applies to an expression; write it on a column', sql);
      tokens.splice(start, 0, { kind: 'space', text: 'CAST(' });
      tokens.splice(index + 1, 0, { kind: 'space', text: ' AS jsonb)' });
      index += 2;
      continue;
    }
    if (!word) continue;
    const open = nextCode(tokens, index + 1);
    const isCall = tokens[open]?.kind === 'symbol' && tokens[open]?.text === '(';
    if (word === 'COLLATE' && upper(tokens[open]) === 'NOCASE') {
      index = foldCase(tokens, index, open, sql);
      continue;
    }
    if (word in REFUSED_WORDS) throw new UntranslatableSqlError(word, REFUSED_WORDS[word] ?? '', sql);
    if (word === 'REPLACE' && !isCall && !isCreateOrReplace(tokens, index)) {
      throw new UntranslatableSqlError('REPLACE INTO', 'has no conflict target; write INSERT … ON CONFLICT (…) DO UPDATE', sql);
    }
    if (isCall && word in REFUSED_FUNCTIONS) throw new UntranslatableSqlError(`${token.text}()`, REFUSED_FUNCTIONS[word] ?? '', sql);
    if (word === 'GLOB') {
      // A pattern given as a literal becomes the anchored regular expression it stands for.
      const patternAt = nextCode(tokens, index + 1);
      const pattern = tokens[patternAt];
      if (pattern?.kind !== 'string') throw new UntranslatableSqlError('GLOB', 'takes a pattern that is not a literal', sql);
      token.text = '~';
      pattern.text = `'${globToRegex(pattern.text.slice(1, -1).replace(/''/g, "'")).replace(/'/g, "''")}'`;
      continue;
    }
    if (isCall && (word === 'DATE' || word === 'JSON_EXTRACT' || word === 'CHAR')) {
      const { args, close } = callArguments(tokens, open);
      const [first, second] = args;
      const modifier = second ? textOf(tokens, second) : '';
      let replacement: string | undefined;
      if (word === 'DATE' && first) {
        const days = /^'([+-]\d+) days?'$/.exec(modifier)?.[1];
        if (second && days === undefined) throw new UntranslatableSqlError('date() with this modifier', 'has no mechanical equivalent', sql);
        replacement = `to_char(CAST(${asText(tokens, first)} AS date)${days ? ` + ${Number(days)}` : ''}, 'YYYY-MM-DD')`;
      } else if (word === 'JSON_EXTRACT' && first && args.length === 2) {
        const path = /^'\$((?:\.\w+)+)'$/.exec(modifier)?.[1];
        if (path === undefined) throw new UntranslatableSqlError('json_extract() with this path', 'has no mechanical equivalent', sql);
        // jsonb comes back as its JavaScript value: a number as a number, a text as text, as SQLite gives them.
        replacement = `(CAST(${textOf(tokens, first)} AS jsonb) #> '{${path.slice(1).split('.').join(',')}}')`;
      } else if (word === 'CHAR' && first && args.length === 1) replacement = `chr(${textOf(tokens, first)})`;
      if (replacement === undefined) throw new UntranslatableSqlError(`${token.text}()`, 'has no mechanical equivalent with these arguments', sql);
      const inner = tokenize(replacement);
      rewrite(inner, sql);
      tokens.splice(index, close - index + 1, ...inner);
      index += inner.length - 1;
      continue;
    }
    if (word === 'CROSS' && upper(tokens[open]) === 'JOIN') {
      // SQLite takes ON after CROSS JOIN (CROSS only fixes its loop order); PostgreSQL wants JOIN.
      const end = clauseEnd(tokens, open + 1, new Set(['ON', 'JOIN', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT']));
      if (upper(tokens[end]) === 'ON') tokens.splice(index, open - index, { kind: 'space', text: '' });
      continue;
    }
    if (isCall && word === 'UNICODE') {
      token.text = 'ascii';
      continue;
    }
    if (isCall && word === 'JSON_ARRAY_LENGTH') {
      token.text = 'jsonb_array_length';
      tokens.splice(open + 1, 0, { kind: 'space', text: 'CAST(' });
      const { close } = callArguments(tokens, open);
      tokens.splice(close, 0, { kind: 'space', text: ' AS jsonb)' });
      continue;
    }
    if (isCall && word === 'JSON_EACH') {
      eachJsonElement(tokens, index, open, sql);
      continue;
    }
    if (isCall && (word === 'UNIXEPOCH' || word === 'GROUP_CONCAT' || word === 'SUBSTR' || word === 'MAX' || word === 'MIN')) {
      const { args, close } = callArguments(tokens, open);
      let replacement: string | undefined;
      if (word === 'UNIXEPOCH') {
        if (args.length !== 1) throw new UntranslatableSqlError('unixepoch() with modifiers', 'takes SQLite modifiers', sql);
        replacement = `CAST(EXTRACT(EPOCH FROM CAST(${asText(tokens, args[0] as [number, number])} AS timestamptz)) AS bigint)`;
      } else if (word === 'GROUP_CONCAT') {
        const [value, separator] = args;
        if (!value) throw new UntranslatableSqlError('group_concat()', 'needs a value', sql);
        replacement = `string_agg(CAST(${textOf(tokens, value)} AS text), ${separator ? textOf(tokens, separator) : "','"})`;
      } else if (word === 'SUBSTR') {
        const from = args[1] ? textOf(tokens, args[1]) : '';
        const [value, , length] = args;
        if (from.startsWith('-')) {
          const count = /^-\s*(\d+)$/.exec(from)?.[1];
          if (count === undefined || !value) throw new UntranslatableSqlError('substr() from the end', 'counts from the start in PostgreSQL; use right()', sql);
          const text = textOf(tokens, value);
          // The last N characters; with a length, the slice starting N from the end.
          replacement = length ? `substr(${text}, length(${text}) - ${Number(count) - 1}, ${textOf(tokens, length)})` : `right(${text}, ${Number(count)})`;
        }
      } else if (args.length >= 2) {
        replacement = `${word === 'MAX' ? 'GREATEST' : 'LEAST'}(${args.map((range) => textOf(tokens, range)).join(', ')})`;
      }
      if (replacement !== undefined) {
        // Nested calls (unixepoch inside max) were not yet rewritten: rewrite the replacement too.
        const inner = tokenize(replacement);
        rewrite(inner, sql);
        // Spliced in as tokens, so its parameters are numbered with the statement's; not visited again.
        tokens.splice(index, close - index + 1, ...inner);
        index += inner.length - 1;
      }
      continue;
    }
    if (!isCall && /[a-z]/.test(token.text) && /[A-Z]/.test(token.text)) token.text = `"${token.text}"`;
    else if (isCall && word === 'INSTR') token.text = 'strpos';
    else if (isCall && word === 'IFNULL') token.text = 'COALESCE';
    else if (word === 'LIKE') token.text = 'ILIKE';
    else if (word === 'BINARY' && upper(tokens[previousCode(tokens, index - 1)]) === 'COLLATE') token.text = '"C"';
    else if ((word === 'INTEGER' || word === 'REAL') && upper(tokens[previousCode(tokens, index - 1)]) === 'AS') {
      token.text = word === 'INTEGER' ? 'bigint' : 'double precision';
    } else if (word === 'IS') {
      const after = nextCode(tokens, index + 1);
      const isNot = upper(tokens[after]) === 'NOT';
      const operand = upper(tokens[isNot ? nextCode(tokens, after + 1) : after]);
      if (['NULL', 'TRUE', 'FALSE', 'DISTINCT', 'JSON'].includes(operand)) continue;
      // a IS b: equal, counting two NULLs as equal; a IS NOT b: its negation.
      if (isNot) {
        token.text = 'IS DISTINCT FROM';
        tokens.splice(index + 1, after - index, { kind: 'space', text: '' });
      } else token.text = 'IS NOT DISTINCT FROM';
    } else if (word === 'STRICT' || (word === 'WITHOUT' && upper(tokens[nextCode(tokens, index + 1)]) === 'ROWID')) {
      const end = word === 'STRICT' ? index : nextCode(tokens, index + 1);
      tokens.splice(index, end - index + 1, { kind: 'space', text: '' });
    }
  }
}

/** Words that may follow a subquery in FROM where an alias would otherwise stand. */
const AFTER_FROM_ITEM = new Set(['WHERE', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'JOIN', 'LEFT', 'INNER', 'CROSS', 'ON', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW']);

/** PostgreSQL 15 wants an alias on every subquery in FROM; SQLite does not. */
function aliasSubqueries(tokens: Token[]): void {
  const opens: boolean[] = [];
  let aliases = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind !== 'symbol') continue;
    if (token.text === '(') {
      const before = upper(tokens[previousCode(tokens, index - 1)]);
      opens.push((before === 'FROM' || before === 'JOIN') && upper(tokens[nextCode(tokens, index + 1)]) === 'SELECT');
    } else if (token.text === ')' && opens.pop() === true) {
      const after = tokens[nextCode(tokens, index + 1)];
      const word = upper(after);
      const hasAlias = after !== undefined && ((word !== '' && !AFTER_FROM_ITEM.has(word)) || after.kind === 'quoted');
      if (!hasAlias) tokens.splice(index + 1, 0, { kind: 'space', text: ` AS subquery_${++aliases}` });
    }
  }
}

/** The code tokens from `from` up to (not including) the first of `stops` at the same depth, or a ')' closing it. */
function clauseEnd(tokens: Token[], from: number, stops: ReadonlySet<string>): number {
  let depth = 0;
  for (let index = from; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind === 'symbol' && token.text === '(') depth++;
    else if (token.kind === 'symbol' && token.text === ')') {
      if (depth === 0) return index;
      depth--;
    } else if (depth === 0 && stops.has(upper(token))) return index;
  }
  return tokens.length;
}

const AFTER_SELECT_LIST = new Set(['FROM']);
const AFTER_WHERE = new Set(['GROUP', 'ORDER', 'LIMIT', 'HAVING', 'UNION', 'EXCEPT', 'INTERSECT', 'WINDOW']);
const AFTER_GROUP_BY = new Set(['ORDER', 'LIMIT', 'HAVING', 'UNION', 'EXCEPT', 'INTERSECT', 'WINDOW']);

/**
 * SQLite lets a grouped query select a column it does not group by (any row's value); PostgreSQL
 * refuses it. Where the WHERE fixes that column to one value (`col = ?`), grouping by it too
 * changes nothing, so it is added to the GROUP BY.
 */
function groupFixedColumns(tokens: Token[]): void {
  for (let select = 0; select < tokens.length; select++) {
    if (upper(tokens[select]) !== 'SELECT') continue;
    const from = clauseEnd(tokens, select + 1, AFTER_SELECT_LIST);
    if (upper(tokens[from]) !== 'FROM') continue;
    const where = clauseEnd(tokens, from + 1, new Set(['WHERE', ...AFTER_WHERE]));
    if (upper(tokens[where]) !== 'WHERE') continue;
    const group = clauseEnd(tokens, where + 1, AFTER_WHERE);
    if (upper(tokens[group]) !== 'GROUP') continue;
    const groupEnd = clauseEnd(tokens, group + 1, AFTER_GROUP_BY);
    const words = (start: number, end: number): Token[] => tokens.slice(start, end).filter(isCode);
    const grouped = new Set(words(group + 1, groupEnd).filter((token) => token.kind === 'word').map((token) => token.text.toLowerCase()));
    const whereCode = words(where + 1, group);
    const fixed = new Set(
      whereCode
        .filter((token, index) => token.kind === 'word' && whereCode[index + 1]?.text === '=' && ['param', 'positional'].includes(whereCode[index + 2]?.kind ?? ''))
        .map((token) => token.text.toLowerCase()),
    );
    // The select list's items that are a bare column name.
    const items: Token[][] = [[]];
    for (const token of words(select + 1, from)) {
      if (token.kind === 'symbol' && token.text === ',') items.push([]);
      else items.at(-1)?.push(token);
    }
    const added = items
      .filter((item) => item.length === 1 && item[0]?.kind === 'word')
      .map((item) => (item[0] as Token).text.toLowerCase())
      .filter((column) => fixed.has(column) && !grouped.has(column));
    if (added.length === 0) continue;
    let last = groupEnd - 1;
    while (last > group && !isCode(tokens[last] as Token)) last--;
    tokens.splice(last + 1, 0, { kind: 'space', text: added.map((column) => `, ${column}`).join('') });
  }
}

/**
 * An INSERT … (id, …) VALUES (?, …): SQLite gives a NULL id the next one, PostgreSQL's identity
 * column refuses it, so a parameter in the id's place is COALESCEd with the table's sequence.
 * Returns whether the INSERT names the id column at all.
 */
function fillNullIds(tokens: Token[], table: string): boolean {
  const code = tokens.map((token, index) => ({ token, index })).filter(({ token }) => isCode(token));
  const open = code.findIndex(({ token }) => token.kind === 'symbol' && token.text === '(');
  if (open !== 3) return false;
  const columns: string[] = [];
  let at = open + 1;
  for (; at < code.length && code[at]?.token.text !== ')'; at++) if (code[at]?.token.kind === 'word') columns.push((code[at]?.token.text ?? '').toLowerCase());
  const idAt = columns.indexOf('id');
  if (idAt < 0) return false;
  if (upper(code[at + 1]?.token) !== 'VALUES' || code[at + 2]?.token.text !== '(') return true;
  const { args } = callArguments(tokens, code[at + 2]?.index ?? 0);
  const range = args[idAt];
  if (!range) return true;
  const value = tokens.slice(range[0], range[1]).filter(isCode);
  const [only] = value;
  if (value.length === 1 && only && (only.kind === 'param' || only.kind === 'positional')) {
    tokens.splice(range[1], 0, { kind: 'space', text: ` AS bigint), nextval(pg_get_serial_sequence('${table}', 'id')))` });
    tokens.splice(range[0], 0, { kind: 'space', text: 'COALESCE(CAST(' });
  }
  return true;
}

/** Translates one statement (no trailing second statement: see splitStatements for scripts). */
export function translateSql(sql: string): TranslatedSql {
  const tokens = tokenize(sql);
  const code = tokens.filter(isCode);
  let insertInto: string | undefined;
  let isOrIgnore = false;
  if (upper(code[0]) === 'INSERT' && upper(code[1]) === 'OR') {
    const conflict = upper(code[2]);
    if (conflict !== 'IGNORE') throw new UntranslatableSqlError(`INSERT OR ${conflict}`, 'has no conflict target; write INSERT … ON CONFLICT (…) DO UPDATE', sql);
    isOrIgnore = true;
    // Drop "OR IGNORE": the tokens between INSERT and INTO.
    const insertAt = tokens.indexOf(code[0] as Token);
    const intoAt = tokens.indexOf(code[3] as Token);
    tokens.splice(insertAt + 1, intoAt - insertAt - 1, { kind: 'space', text: ' ' });
  }
  const codeAfter = tokens.filter(isCode);
  if (upper(codeAfter[0]) === 'INSERT' && upper(codeAfter[1]) === 'INTO') insertInto = codeAfter[2]?.text.replace(/"/g, '').toLowerCase();
  const hasReturning = codeAfter.some((token) => upper(token) === 'RETURNING');
  const insertsId = insertInto !== undefined && fillNullIds(tokens, insertInto);
  rewrite(tokens, sql);
  aliasSubqueries(tokens);
  groupFixedColumns(tokens);
  const parameters: (string | number)[] = [];
  const numberOfName = new Map<string, number>();
  let positional = 0;
  const parts = tokens.map((token) => {
    if (token.kind === 'param') {
      const name = token.text.slice(1);
      let number = numberOfName.get(name);
      if (number === undefined) {
        parameters.push(name);
        number = parameters.length;
        numberOfName.set(name, number);
      }
      return `$${number}`;
    }
    if (token.kind === 'positional') {
      if (token.text.length > 1) throw new UntranslatableSqlError(token.text, 'numbered positional parameters are not supported; use ? or @name', sql);
      parameters.push(positional++);
      return `$${parameters.length}`;
    }
    return token.text;
  });
  let text = parts.join('').trim().replace(/;\s*$/, '');
  if (isOrIgnore) {
    const returning = /\sRETURNING\s/i.exec(text);
    text = returning ? `${text.slice(0, returning.index)} ON CONFLICT DO NOTHING${text.slice(returning.index)}` : `${text} ON CONFLICT DO NOTHING`;
  }
  return { text, parameters, insertInto, hasReturning, insertsId };
}

/** A script's statements, split at the semicolons outside strings, comments and trigger bodies ($$ … $$). */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let isInDollarQuote = false;
  for (const token of tokenize(script)) {
    if (token.kind === 'symbol' && token.text === '$$') isInDollarQuote = !isInDollarQuote;
    if (token.kind === 'symbol' && token.text === ';' && !isInDollarQuote) {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else current += token.text;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
