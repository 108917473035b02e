//! Resource versions (SPEC §2.4): `major.minor`.

/// A version as numbers (`"1.10"` is `(1, 10)`), for finding the newest; `None` when it is
/// not `major.minor` in decimal digits.
///
/// ```
/// use glue_common::version::parse;
///
/// assert_eq!(parse("1.10"), Some((1, 10)));
/// assert!(parse("1.10") > parse("1.9"));
/// assert_eq!(parse("1"), None);
/// assert_eq!(parse("v1.0"), None);
/// ```
#[must_use]
pub fn parse(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    let number = |part: &str| {
        (!part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    Some((number(major)?, number(minor)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_decimal_numbers_are_a_version() {
        for bad in [
            "",
            ".",
            "1.",
            ".1",
            "1.2.3",
            "+1.0",
            "1.-2",
            "a.b",
            "99999999999.0",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse("0.1"), Some((0, 1)));
    }
}
