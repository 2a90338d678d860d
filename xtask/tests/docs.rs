//! `cargo xtask docs`: the page builds, works offline, and shows the operation and every schema.

use xtask::reference_docs;

#[test]
fn docs_page_has_the_operation_and_every_schema_and_needs_no_network() {
    let root = xtask::workspace_root();
    let path = reference_docs::build(&root).unwrap_or_else(|e| panic!("docs build failed: {e}"));
    assert_eq!(path, root.join(reference_docs::OUTPUT));
    let html = std::fs::read_to_string(&path).expect("the page was written");

    let spec = xtask::spec::load(&root.join("openapi.yaml")).expect("spec loads");
    for (path_name, item) in spec.api.paths.iter() {
        let item = item.as_item().expect("path items are inline");
        for (method, op) in item.iter() {
            let id = op.operation_id.as_deref().expect("operationId");
            assert!(
                html.contains(id),
                "the page lacks operationId {id} ({method} {path_name})"
            );
            let summary = op.summary.as_deref().expect("summary");
            assert!(
                html.contains(summary),
                "the page lacks the summary {summary:?}"
            );
        }
    }
    let schemas = &spec.api.components.as_ref().expect("components").schemas;
    assert!(schemas.len() >= 5, "the spec lost its schemas");
    for name in schemas.keys() {
        assert!(html.contains(name.as_str()), "the page lacks schema {name}");
    }
    assert_eq!(
        reference_docs::remote_resource(&html),
        None,
        "the page must not load anything from the network"
    );
}

#[test]
fn remote_resources_are_detected() {
    assert_eq!(
        reference_docs::remote_resource(
            "<html><script src=\"https://cdn.example.test/redoc.js\"></script>"
        )
        .as_deref(),
        Some("<script src=\"https://cdn.example.test/redoc.js\"")
    );
    assert!(
        reference_docs::remote_resource(
            "<style>@import url(https://fonts.example.test/x.css);</style>"
        )
        .is_some()
    );
    assert_eq!(
        reference_docs::remote_resource("<script>let a = 'https://x';</script>"),
        None
    );
}
