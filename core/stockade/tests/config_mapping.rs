//! A configuration given as a mapping (what the bindings pass for a Python
//! dict or a JavaScript object) is reported at its keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use stockade::Engine;

#[test]
fn errors_of_a_mapping_name_the_key() {
    let json = r#"{"rules":{"DF0001":"loud"},"limits":{"max-file-size":-5},"exclude":["a",7]}"#;
    let errors = Engine::from_config_mapping(json).expect_err("refused");
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(
        paths.contains(&r#"config["rules"]["DF0001"]"#),
        "{errors:#?}"
    );
    for e in &errors {
        assert!(e.path.starts_with("config"), "{e:?}");
        assert!(
            e.start.is_none() && e.end.is_none(),
            "no line of a text nobody wrote: {e:?}"
        );
    }
}

#[test]
fn key_paths_follow_maps_and_lists() {
    let text = "rules:\n  DF0001: off\nexclude:\n  - a\n  - b\n";
    let at = |needle: &str| u32::try_from(text.find(needle).unwrap()).unwrap();
    assert_eq!(
        stockade::config::key_path_at(text, at("off")),
        ["rules", "DF0001"]
    );
    assert_eq!(
        stockade::config::key_path_at(text, at("DF0001")),
        ["rules", "DF0001"]
    );
    assert_eq!(
        stockade::config::key_path_at(text, at("b\n")),
        ["exclude", "1"]
    );
    assert!(stockade::config::key_path_at("[", 0).is_empty());
}

#[test]
fn a_valid_mapping_configures() {
    let source = stockade::Source::new("Dockerfile", "FROM ubuntu\n");
    let rules = |e: &Engine| -> Vec<String> {
        e.scan_source(&source, None)
            .findings
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    assert!(rules(&Engine::default()).contains(&"DF0001".to_string()));
    let engine = Engine::from_config_mapping(r#"{"rules":{"DF0001":"off"}}"#).unwrap();
    assert!(!rules(&engine).contains(&"DF0001".to_string()));
}

#[test]
fn a_list_index_and_a_numeric_key_are_told_apart() {
    // `exclude` is a list: its item is `[1]`; a mapping key "0" stays quoted.
    let json = r#"{"exclude":["a",7],"rules":{"0":"off"}}"#;
    let errors = Engine::from_config_mapping(json).expect_err("refused");
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"config[\"exclude\"][1]"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.contains("[\"rules\"][0]")),
        "{paths:?}"
    );
}
