//! Default names: wire names in camelCase (as serde's `rename_all = "camelCase"`), resource
//! types plural and kebab-case.

/// `created_at` -> `createdAt` (a raw identifier loses its `r#`, leading underscores go).
#[must_use]
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.trim_start_matches("r#").chars() {
        if ch == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// `CustomerAddress` -> `["Customer", "Address"]`.
fn words(ident: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let chars: Vec<char> = ident.chars().collect();
    for (index, ch) in chars.iter().enumerate() {
        let starts_word = ch.is_uppercase()
            && index > 0
            && (chars[index - 1].is_lowercase()
                || chars.get(index + 1).is_some_and(|next| next.is_lowercase()));
        if starts_word || words.is_empty() {
            words.push(String::new());
        }
        if *ch == '_' {
            words.push(String::new());
        } else if let Some(word) = words.last_mut() {
            word.push(*ch);
        }
    }
    words.retain(|word| !word.is_empty());
    words
}

/// The English plural of a word, by the common rules.
fn plural(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with('z')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{word}es")
    } else if lower.ends_with('y')
        && !lower.ends_with("ay")
        && !lower.ends_with("ey")
        && !lower.ends_with("oy")
        && !lower.ends_with("uy")
    {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    }
}

/// `CustomerAddress` -> `customer-addresses`.
#[must_use]
pub fn short_name(ident: &str) -> String {
    let mut words = words(ident);
    if let Some(last) = words.last_mut() {
        *last = plural(last);
    }
    words
        .iter()
        .map(|word| word.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

/// `CustomerAddress` -> `CustomerAddresses`.
#[must_use]
pub fn resource_name(ident: &str) -> String {
    let mut words = words(ident);
    if let Some(last) = words.last_mut() {
        *last = plural(last);
    }
    words.concat()
}

/// `CustomerAddress` -> `Customer address`.
#[must_use]
pub fn label(ident: &str) -> String {
    words(ident)
        .iter()
        .enumerate()
        .map(|(index, word)| {
            if index == 0 {
                word.clone()
            } else {
                word.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a resource type is plural kebab-case material: lowercase letters, digits, `-`.
#[must_use]
pub fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_conventions() {
        assert_eq!(camel_case("created_at"), "createdAt");
        assert_eq!(camel_case("address1"), "address1");
        assert_eq!(camel_case("r#type"), "type");
        assert_eq!(camel_case("_private"), "private");
        assert_eq!(short_name("Customer"), "customers");
        assert_eq!(short_name("CustomerAddress"), "customer-addresses");
        assert_eq!(short_name("Category"), "categories");
        assert_eq!(short_name("APIKey"), "api-keys");
        assert_eq!(resource_name("Customer"), "Customers");
        assert_eq!(label("CustomerAddress"), "Customer address");
        assert!(is_kebab("customers-addresses"));
        assert!(!is_kebab("Customers"));
    }
}
