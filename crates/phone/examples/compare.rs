//! Prints leadgate-phone's and the `phonenumber` crate's answers side by side.
//!
//! Run with `cargo run -p leadgate-phone --example compare -- "<number>" [REGION]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(input) = args.first() else {
        eprintln!("usage: compare <number> [REGION]");
        std::process::exit(2);
    };
    let region = args.get(1).map(String::as_str);
    println!("leadgate-phone: {:?}", leadgate_phone::parse(input, region));
    let id = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    match phonenumber::parse(id, input) {
        Ok(pn) => println!(
            "phonenumber:    valid {} e164 {} type {:?} region {:?} source {:?}",
            pn.is_valid(),
            pn.format().mode(phonenumber::Mode::E164),
            pn.number_type(&phonenumber::metadata::DATABASE),
            pn.country().id(),
            pn.code().source()
        ),
        Err(e) => println!("phonenumber:    error {e:?}"),
    }
}
