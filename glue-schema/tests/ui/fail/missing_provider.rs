mod generated {
    include!("../../golden/missing_provider.rs");
}

fn main() {}
