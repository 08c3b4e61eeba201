//! The repository's sample `leadgate.toml` parses, and every campaign's providers exist.
use leadgate_server::config::Config;
use leadgate_server::providers::ProviderFactories;
use leadgate_server::state::AppState;

#[tokio::test]
async fn the_sample_config_builds_a_working_state() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../leadgate.toml");
    let dir = tempfile::tempdir().unwrap();
    let env = vec![
        (
            "LEADGATE_SERVER__DATA_DIR".to_string(),
            dir.path().display().to_string(),
        ),
        ("LEADGATE_DATABASE__URL".to_string(), String::new()),
    ];
    let config = Config::load(&path, env).expect("sample config parses");
    assert_eq!(config.server.listen, "127.0.0.1:8080");
    assert!(config.campaigns.len() >= 2);
    assert!(config.edge_keys.iter().any(|k| k.id == "edge-1"));
    // Both demo sites (wrangler.toml) belong to the one partner, which gets postbacks.
    for site in ["demo-pow", "brightside-business"] {
        let partner = config.site_partner(site).expect("the site has a partner");
        assert!(partner.postback_url.is_some());
    }
    let state = AppState::build(config, &leadgate_server::providers::all_factories(), None)
        .await
        .expect("every campaign's providers are known");
    let runtime = state.runtime();
    assert!(
        runtime.plans.contains_key("home-solar") && runtime.plans.contains_key("commercial-solar")
    );
    // Each campaign's cap leaves room for its clean lead's whole sequence.
    for (campaign, clean_cost) in [("home-solar", 0.046), ("commercial-solar", 0.096)] {
        let cap = runtime.plans[campaign].cost_cap_usd.expect("a cost cap");
        assert!(cap > clean_cost, "{campaign}: cap {cap} < {clean_cost}");
    }
    let _ = ProviderFactories::default();
}
