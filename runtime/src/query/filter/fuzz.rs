//! Property tests for the filter parser with a deterministic xorshift generator: random and
//! mutated inputs never panic and report an in-bounds offset, and randomly generated valid
//! filters (random spacing, comments, quotes, escapes, groups and function calls) parse to the
//! expected canonical form. See `../shared/spec/filters-and-rules.md` §1.

use super::{MAX_FILTER_LEN, parse_filter, parse_rule, parse_sort};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Characters that matter to the lexer, plus some that must be rejected.
const ALPHABET: &[&str] = &[
    "a", "z", "Q", "_", "@", "#", ".", ":", "-", "0", "7", " ", "\t", "\n", "\r", "'", "\"", "\\",
    "(", ")", "=", "!", "<", ">", "?", "~", "&", "|", ",", "/", "%", "$", "é", "😀", "\0", "n",
    "t", "null", "@now", "&&", "||", "//", "f(", "+",
];

fn check_no_panic(input: &str) {
    for result in [parse_filter(input), parse_rule(input)] {
        if let Err(error) = result {
            assert!(error.offset <= input.len(), "{input:?}: {error}");
            assert!(input.is_char_boundary(error.offset), "{input:?}: {error}");
        }
    }
    if let Err(error) = parse_sort(input) {
        assert!(error.offset <= input.len(), "sort {input:?}: {error}");
    }
}

#[test]
fn random_inputs_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let len = rng.below(40);
        let input: String = (0..len).map(|_| rng.pick(ALPHABET)).collect();
        check_no_panic(&input);
    }
}

#[test]
fn mutated_valid_filters_never_panic() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    for _ in 0..5_000 {
        let (mut source, _) = gen_list(&mut rng, 0, &mut 30);
        for _ in 0..1 + rng.below(3) {
            let mut at = rng.below(source.len() + 1);
            while !source.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => {
                    let piece = rng.pick(ALPHABET);
                    source.insert_str(at, piece);
                }
                1 => source.truncate(at),
                _ => {
                    let tail = source.split_off(at);
                    let piece = rng.pick(ALPHABET);
                    source.push_str(piece);
                    source.push_str(&tail);
                }
            }
        }
        check_no_panic(&source);
    }
}

#[test]
fn generated_valid_filters_parse_to_their_canonical_form() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for _ in 0..5_000 {
        let (source, canonical) = gen_list(&mut rng, 0, &mut 40);
        let parsed = parse_rule(&source).unwrap_or_else(|e| panic!("{source:?}: {e}"));
        assert_eq!(parsed.to_string(), canonical, "{source:?}");
        if source.len() <= MAX_FILTER_LEN {
            assert_eq!(parse_filter(&source), Ok(parsed.clone()), "{source:?}");
        }
        // The canonical form is itself valid and stable.
        let reparsed = parse_rule(&canonical).unwrap_or_else(|e| panic!("{canonical:?}: {e}"));
        assert_eq!(reparsed.to_string(), canonical);
        assert_eq!(reparsed.comparisons().len(), parsed.comparisons().len());
    }
}

/// Optional whitespace and comments between tokens.
fn trivia(rng: &mut XorShift) -> &'static str {
    rng.pick(&["", "", " ", "  ", "\t", "\n", " // comment (a = 1)\n", "//\n", "\n\t "])
}

/// `(source, canonical)` of `expr (JOIN expr)*`; `budget` caps the comparisons.
fn gen_list(rng: &mut XorShift, depth: usize, budget: &mut usize) -> (String, String) {
    let (mut source, mut canonical) = gen_expr(rng, depth, budget);
    while *budget > 0 && rng.chance(45) {
        let join = rng.pick(&["&&", "||"]);
        let (s, c) = gen_expr(rng, depth, budget);
        source = format!("{source}{}{join}{}{s}", trivia(rng), trivia(rng));
        canonical = format!("{canonical} {join} {c}");
    }
    (source, canonical)
}

fn gen_expr(rng: &mut XorShift, depth: usize, budget: &mut usize) -> (String, String) {
    if depth < 6 && rng.chance(20) {
        let (s, c) = gen_list(rng, depth + 1, budget);
        return (format!("({}{s}{})", trivia(rng), trivia(rng)), format!("({c})"));
    }
    *budget = budget.saturating_sub(1);
    let (ls, lc) = gen_operand(rng);
    let (rs, rc) = gen_operand(rng);
    let sign = rng.pick(&[
        "=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~",
        "?!~",
    ]);
    let source = format!("{ls}{}{sign}{}{rs}", trivia(rng), trivia(rng));
    (source, format!("{lc} {sign} {rc}"))
}

const IDENTIFIERS: &[&str] = &[
    "title",
    "author.name",
    "tags:length",
    "labels:each",
    "title:lower",
    "meta.arr.0",
    "_x.y_z",
    "comments_via_post.user.name",
    "@request.auth.id",
    "@request.body.n:isset",
    "@request.headers.x_token",
    "@request.method",
    "@collection.tags:t.name",
    "@now",
    "@todayStart",
    "null",
    "NULL",
    "True",
    "false",
    "#x",
];

fn gen_operand(rng: &mut XorShift) -> (String, String) {
    match rng.below(10) {
        0..=3 => {
            let id = rng.pick(IDENTIFIERS);
            (id.to_owned(), id.to_owned())
        }
        4 | 5 => gen_text(rng),
        6 | 7 => gen_number(rng),
        _ => gen_function(rng),
    }
}

fn gen_number(rng: &mut XorShift) -> (String, String) {
    let sign = if rng.chance(30) { "-" } else { "" };
    let whole = rng.below(100_000);
    let raw = if rng.chance(40) {
        format!("{sign}{whole}.{}", rng.below(1000))
    } else {
        format!("{sign}{whole}")
    };
    (raw.clone(), raw)
}

/// Random text in a random quote kind, using every escape form.
fn gen_text(rng: &mut XorShift) -> (String, String) {
    let quote = rng.pick(&['\'', '"']);
    let other = if quote == '\'' { '"' } else { '\'' };
    let mut source = quote.to_string();
    let mut value = String::new();
    for _ in 0..rng.below(8) {
        let (src, val): (String, String) = match rng.below(12) {
            0 => (format!("\\{quote}"), quote.to_string()),
            1 => (other.to_string(), other.to_string()),
            2 => ("\\\\".to_owned(), "\\".to_owned()),
            3 => ("\\n".to_owned(), "\n".to_owned()),
            4 => ("\\t".to_owned(), "\t".to_owned()),
            5 => ("\\r".to_owned(), "\r".to_owned()),
            6 => ("\\u0041".to_owned(), "\\u0041".to_owned()),
            7 => (format!("\\{other}"), format!("\\{other}")),
            8 => ("\n".to_owned(), "\n".to_owned()),
            9 => ("é😀%_".to_owned(), "é😀%_".to_owned()),
            10 => ("// (a) && b".to_owned(), "// (a) && b".to_owned()),
            _ => ("word ".to_owned(), "word ".to_owned()),
        };
        source.push_str(&src);
        value.push_str(&val);
    }
    source.push(quote);
    let escaped: String = value
        .chars()
        .map(|ch| match ch {
            '\'' => "\\'".to_owned(),
            '\\' => "\\\\".to_owned(),
            '\n' => "\\n".to_owned(),
            '\t' => "\\t".to_owned(),
            '\r' => "\\r".to_owned(),
            other => other.to_string(),
        })
        .collect();
    (source, format!("'{escaped}'"))
}

fn gen_field_or_number(rng: &mut XorShift) -> (String, String) {
    if rng.chance(50) {
        gen_number(rng)
    } else {
        let id = rng.pick(&["location.lon", "location.lat", "a", "null", "rel.point.lon"]);
        (id.to_owned(), id.to_owned())
    }
}

/// A valid `geoDistance` or `strftime` call with random spacing and trailing comma.
fn gen_function(rng: &mut XorShift) -> (String, String) {
    let (name, args): (&str, Vec<(String, String)>) = if rng.chance(50) {
        ("geoDistance", (0..4).map(|_| gen_field_or_number(rng)).collect())
    } else {
        let count = 1 + rng.below(10);
        let mut args = vec![gen_text(rng)];
        if count > 1 {
            args.push(match rng.below(3) {
                0 => gen_text(rng),
                1 => gen_number(rng),
                _ => ("created".to_owned(), "created".to_owned()),
            });
        }
        args.extend((2..count).map(|_| gen_text(rng)));
        ("strftime", args)
    };
    let mut source = format!("{name}({}", trivia(rng));
    let sources: Vec<String> = args.iter().map(|(s, _)| s.clone()).collect();
    for (i, arg) in sources.iter().enumerate() {
        if i > 0 {
            source.push_str(&format!("{},{}", trivia(rng), trivia(rng)));
        }
        source.push_str(arg);
    }
    if rng.chance(30) {
        source.push(',');
    }
    source.push_str(trivia(rng));
    source.push(')');
    let canonical: Vec<String> = args.into_iter().map(|(_, c)| c).collect();
    (source, format!("{name}({})", canonical.join(", ")))
}
