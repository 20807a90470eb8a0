fn main() {
    println!("stockade {}", stockade::VERSION);
}
