//! Scan standard input and print the report as JSON (used by the bindings'
//! cross-language test as the Rust door): `scan_json [PATH] [KIND] < file`.
use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next();
    let kind = args.next().and_then(|k| k.parse::<stockade::Kind>().ok());
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    println!("{}", stockade::scan(&text, path.as_deref(), kind).to_json());
    Ok(())
}
