// The version of the Stockade engine, written from `stockade::VERSION` by
// `cargo run -p stockade-dts`: do not edit.
export const VERSION = '0.1.0';
