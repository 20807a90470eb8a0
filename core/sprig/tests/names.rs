//! The function map has exactly the names of `sprig.TxtFuncMap()` (Sprig 3.3.0's
//! `genericMap`), and Helm's base map lacks only `env` and `expandenv`.
#![allow(clippy::unwrap_used)]

/// Sprig 3.3.0's `genericMap` keys (functions.go), in its order.
const SPRIG: &[&str] = &[
    "hello", "ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify", "duration",
    "durationRound", "htmlDate", "htmlDateInZone", "must_date_modify", "mustDateModify", "mustToDate", "now",
    "toDate", "unixEpoch", "abbrev", "abbrevboth", "trunc", "trim", "upper", "lower", "title", "untitle",
    "substr", "repeat", "trimall", "trimAll", "trimSuffix", "trimPrefix", "nospace", "initials",
    "randAlphaNum", "randAlpha", "randAscii", "randNumeric", "swapcase", "shuffle", "snakecase", "camelcase",
    "kebabcase", "wrap", "wrapWith", "contains", "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent",
    "nindent", "replace", "plural", "sha1sum", "sha256sum", "sha512sum", "adler32sum", "toString", "atoi",
    "int64", "int", "float64", "seq", "toDecimal", "split", "splitList", "splitn", "toStrings", "until",
    "untilStep", "add1", "add", "sub", "div", "mod", "mul", "randInt", "add1f", "addf", "subf", "divf", "mulf",
    "biggest", "max", "min", "maxf", "minf", "ceil", "floor", "round", "join", "sortAlpha", "default", "empty",
    "coalesce", "all", "any", "compact", "mustCompact", "fromJson", "toJson", "toPrettyJson", "toRawJson",
    "mustFromJson", "mustToJson", "mustToPrettyJson", "mustToRawJson", "ternary", "deepCopy", "mustDeepCopy",
    "typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual", "env", "expandenv", "getHostByName",
    "base", "dir", "clean", "ext", "isAbs", "osBase", "osClean", "osDir", "osExt", "osIsAbs", "b64enc",
    "b64dec", "b32enc", "b32dec", "tuple", "list", "dict", "get", "set", "unset", "hasKey", "pluck", "keys",
    "pick", "omit", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite", "values", "append", "push",
    "mustAppend", "mustPush", "prepend", "mustPrepend", "first", "mustFirst", "rest", "mustRest", "last",
    "mustLast", "initial", "mustInitial", "reverse", "mustReverse", "uniq", "mustUniq", "without",
    "mustWithout", "has", "mustHas", "slice", "mustSlice", "concat", "dig", "chunk", "mustChunk", "bcrypt",
    "htpasswd", "genPrivateKey", "derivePassword", "buildCustomCert", "genCA", "genCAWithKey",
    "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "encryptAES",
    "decryptAES", "randBytes", "uuidv4", "semver", "semverCompare", "fail", "regexMatch", "mustRegexMatch",
    "regexFindAll", "mustRegexFindAll", "regexFind", "mustRegexFind", "regexReplaceAll", "mustRegexReplaceAll",
    "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit", "regexQuoteMeta",
    "urlParse", "urlJoin",
];

#[test]
fn every_sprig_name_and_no_other() {
    let m = stockade_sprig::funcs();
    let mut missing: Vec<&str> = SPRIG.iter().copied().filter(|n| !m.contains_key(*n)).collect();
    missing.sort_unstable();
    assert!(missing.is_empty(), "missing: {missing:?}");
    let mut extra: Vec<&String> = m.keys().filter(|k| !SPRIG.contains(&k.as_str())).collect();
    extra.sort_unstable();
    assert!(extra.is_empty(), "not in Sprig: {extra:?}");
    assert_eq!(m.len(), SPRIG.len());
}

#[test]
fn helm_base_is_sprig_without_env() {
    let h = stockade_sprig::helm_base_funcs();
    assert!(!h.contains_key("env") && !h.contains_key("expandenv"));
    assert_eq!(h.len(), SPRIG.len() - 2);
    let herm = stockade_sprig::hermetic_funcs();
    assert!(!herm.contains_key("now") && !herm.contains_key("uuidv4") && herm.contains_key("sha256sum"));
}
