//! Build script: with the `compact-lists` feature, turns `data/disposable_domains.txt`
//! into a binary fuse filter (`src/fuse.rs`, shared with the runtime so both hash the
//! same way) written to `$OUT_DIR`. Without the feature it does nothing.
use std::path::PathBuf;

#[path = "src/fuse.rs"]
#[allow(dead_code)]
mod fuse;

const DISPOSABLE: &str = "data/disposable_domains.txt";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/fuse.rs");
    println!("cargo:rerun-if-changed={DISPOSABLE}");
    if std::env::var_os("CARGO_FEATURE_COMPACT_LISTS").is_none() {
        return;
    }
    let text = std::fs::read_to_string(DISPOSABLE).expect("read the disposable list");
    let keys: Vec<&[u8]> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::as_bytes)
        .collect();
    let (params, fingerprints) = fuse::build(&keys, 0x6c65_6164_6761_7465)
        .expect("disposable list peels into a fuse filter");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("disposable_fuse8.bin"), &fingerprints).expect("write filter");
    let params_rs = format!(
        "/// Shape of the generated disposable-domain filter ({} entries).\n\
         pub const DISPOSABLE_FUSE_PARAMS: crate::fuse::FuseParams = crate::fuse::FuseParams {{ \
         seed: {}, segment_length: {}, segment_count_length: {} }};\n\
         /// Number of domains the generated filter was built from.\n\
         pub const DISPOSABLE_FUSE_ENTRIES: usize = {};\n",
        keys.len(),
        params.seed,
        params.segment_length,
        params.segment_count_length,
        keys.len()
    );
    std::fs::write(out.join("disposable_fuse8.rs"), params_rs).expect("write params");
}
