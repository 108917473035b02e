//! Writing JSON documents straight into a byte buffer: member by member, text escaped only
//! when it needs it.

pub use crate::json::{is_plain, write_key, write_optional_str_member, write_str, write_u64};

use super::PageInfo;

/// Writes `{"page":3,"pages":3,"records":5,"records_per_page":20,"records_total":55}`, leaving
/// out what is not known.
pub fn write_page_meta(out: &mut Vec<u8>, page: &PageInfo) {
    out.push(b'{');
    if let Some(number) = page.page {
        out.extend_from_slice(b"\"page\":");
        write_u64(out, number);
        out.push(b',');
    }
    if let Some(pages) = page.pages {
        out.extend_from_slice(b"\"pages\":");
        write_u64(out, pages);
        out.push(b',');
    }
    out.extend_from_slice(b"\"records\":");
    write_u64(out, page.records);
    out.extend_from_slice(b",\"records_per_page\":");
    write_u64(out, page.records_per_page);
    if let Some(total) = page.records_total {
        out.extend_from_slice(b",\"records_total\":");
        write_u64(out, total);
    }
    out.push(b'}');
}

/// `,"meta":{"truncated":true,"total":N}` after an error list that [`GlueError`](crate::GlueError) cut at
/// [`MAX_ERRORS`](crate::MAX_ERRORS) (SPEC §13.1); nothing when it was not cut.
pub fn write_truncated(out: &mut Vec<u8>, error: &crate::GlueError) {
    if error.omitted() > 0 {
        out.extend_from_slice(b",\"meta\":{\"truncated\":true,\"total\":");
        write_u64(out, (error.errors().len() + error.omitted()) as u64);
        out.push(b'}');
    }
}
