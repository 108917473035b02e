//! Names: generated struct names, Rust paths and displayed file paths.

/// `{Name}{Bucket}{ApiType}Resource`: `CustomersBackendResource`, `StoresEuBackendResource`.
#[must_use]
pub fn struct_name(name: &str, code_bucket: Option<&str>, api_type: &str) -> String {
    let mut out = upper_camel(name);
    if let Some(bucket) = code_bucket {
        let mut chars = bucket.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out.push_str(&upper_camel(api_type));
    out.push_str("Resource");
    out
}

/// `customers-addresses` -> `CustomersAddresses`; `CustomersAddresses` stays.
fn upper_camel(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A path with `/` between its parts, whatever the platform.
pub(crate) fn display_path(path: &std::path::Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path such as `crate::customers::CustomerStore` or `my_crate::Store`.
pub(super) fn is_rust_path(path: &str) -> bool {
    let path = path.strip_prefix("::").unwrap_or(path);
    !path.is_empty()
        && path.split("::").all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && segment != "_"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_follow_the_pattern() {
        assert_eq!(
            struct_name("Customers", None, "backend"),
            "CustomersBackendResource"
        );
        assert_eq!(
            struct_name("Stores", Some("EU"), "backend"),
            "StoresEuBackendResource"
        );
        assert_eq!(
            struct_name("customers-addresses", None, "storefront"),
            "CustomersAddressesStorefrontResource"
        );
    }

    #[test]
    fn rust_paths_are_recognised() {
        assert!(is_rust_path("crate::customers::CustomerStore"));
        assert!(is_rust_path("::shop::Store"));
        assert!(!is_rust_path("Pyz\\Glue\\Customer\\Provider"));
        assert!(!is_rust_path("crate::"));
        assert!(!is_rust_path("a b"));
    }
}
