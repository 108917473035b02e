//! What a Rust field type is on the wire: one of the six JSON types, with a format.

use glue_common::PropertyType;
use syn::{GenericArgument, PathArguments, Type};

/// How values of a property are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Through the type's own `Serialize`/`Deserialize`.
    Plain,
    /// A chrono date-time: UTC out, any offset in.
    DateTime,
    /// A chrono date: `YYYY-MM-DD`.
    Date,
}

/// The wire description of a field type.
#[derive(Debug, Clone)]
pub(crate) struct WireType {
    pub(crate) ty: PropertyType,
    pub(crate) format: Option<&'static str>,
    pub(crate) nullable: bool,
    pub(crate) kind: Kind,
    /// The type and format of an array's items, when they are a scalar.
    pub(crate) items: Option<(PropertyType, Option<&'static str>)>,
}

impl WireType {
    const fn new(ty: PropertyType, format: Option<&'static str>, kind: Kind) -> Self {
        Self {
            ty,
            format,
            nullable: false,
            kind,
            items: None,
        }
    }

    /// An array whose items are `item`, described when they are not arrays themselves.
    fn array_of(item: Result<Self, &'static str>) -> Self {
        let mut array = Self::new(PropertyType::Array, None, Kind::Plain);
        array.items = item
            .ok()
            .filter(|item| item.ty != PropertyType::Array && item.kind == Kind::Plain)
            .map(|item| (item.ty, item.format));
        array
    }
}

/// The last path segment of a type and its generic arguments.
fn last_segment(ty: &Type) -> Option<(&syn::Ident, Vec<&Type>)> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let arguments = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((&segment.ident, arguments))
}

/// Infers the wire type, or says why the type cannot be represented.
pub(crate) fn infer(ty: &Type) -> Result<WireType, &'static str> {
    match ty {
        Type::Paren(inner) => infer(&inner.elem),
        Type::Group(inner) => infer(&inner.elem),
        Type::Array(array) => Ok(WireType::array_of(infer(&array.elem))),
        Type::Slice(slice) => Ok(WireType::array_of(infer(&slice.elem))),
        Type::Reference(reference) => match &*reference.elem {
            Type::Path(path) if path.path.is_ident("str") => {
                Ok(WireType::new(PropertyType::String, None, Kind::Plain))
            }
            _ => Err("a reference cannot be a property; use an owned type"),
        },
        Type::Tuple(tuple) if tuple.elems.is_empty() => {
            Err("`()` cannot be represented as a JSON property")
        }
        Type::Tuple(_) => {
            Err("a tuple cannot be represented as a property; use a struct or an array")
        }
        Type::FnPtr(_) => Err("a function pointer cannot be represented as a property"),
        Type::Ptr(_) => Err("a raw pointer cannot be represented as a property"),
        Type::Never(_) => Err("`!` cannot be represented as a property"),
        Type::ImplTrait(_) | Type::TraitObject(_) => {
            Err("a trait object cannot be represented as a property; use a concrete type")
        }
        Type::Path(_) => infer_path(ty),
        _ => Err("this type cannot be represented as a property"),
    }
}

fn infer_path(ty: &Type) -> Result<WireType, &'static str> {
    let Some((ident, args)) = last_segment(ty) else {
        return Err("this type cannot be represented as a property");
    };
    let name = ident.to_string();
    let wire = match name.as_str() {
        "Option" if args.len() == 1 => {
            let mut inner = infer(args[0])?;
            inner.nullable = true;
            return Ok(inner);
        }
        "Box" | "Arc" | "Rc" | "Cow" if args.len() == 1 => return infer(args[0]),
        "Cow" => WireType::new(PropertyType::String, None, Kind::Plain),
        "String" | "str" | "char" => WireType::new(PropertyType::String, None, Kind::Plain),
        "i8" | "i16" | "i32" | "u8" | "u16" => {
            WireType::new(PropertyType::Integer, Some("int32"), Kind::Plain)
        }
        "i64" | "u32" | "u64" | "i128" | "u128" | "isize" | "usize" => {
            WireType::new(PropertyType::Integer, Some("int64"), Kind::Plain)
        }
        "f32" => WireType::new(PropertyType::Number, Some("float"), Kind::Plain),
        "f64" => WireType::new(PropertyType::Number, Some("double"), Kind::Plain),
        "Decimal" | "BigDecimal" => WireType::new(PropertyType::Number, None, Kind::Plain),
        "bool" => WireType::new(PropertyType::Boolean, None, Kind::Plain),
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" if args.len() == 1 => {
            WireType::array_of(infer(args[0]))
        }
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec" => {
            WireType::new(PropertyType::Array, None, Kind::Plain)
        }
        "HashMap" | "BTreeMap" | "IndexMap" | "Map" | "Value" => {
            WireType::new(PropertyType::Object, None, Kind::Plain)
        }
        "DateTime" | "NaiveDateTime" => {
            WireType::new(PropertyType::String, Some("date-time"), Kind::DateTime)
        }
        "NaiveDate" => WireType::new(PropertyType::String, Some("date"), Kind::Date),
        "NaiveTime" => WireType::new(PropertyType::String, Some("time"), Kind::Plain),
        "Uuid" => WireType::new(PropertyType::String, Some("uuid"), Kind::Plain),
        "PhantomData" => return Err("`PhantomData` cannot be represented as a property"),
        _ => WireType::new(PropertyType::Object, None, Kind::Plain),
    };
    Ok(wire)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn common_types_map_to_json_types() {
        use PropertyType::{Array, Integer, Number, Object, String};
        let cases: [(Type, PropertyType, Option<&str>, bool); 7] = [
            (parse_quote!(String), String, None, false),
            (parse_quote!(Option<i64>), Integer, Some("int64"), true),
            (parse_quote!(f64), Number, Some("double"), false),
            (
                parse_quote!(chrono::DateTime<chrono::Utc>),
                String,
                Some("date-time"),
                false,
            ),
            (parse_quote!(Option<NaiveDate>), String, Some("date"), true),
            (parse_quote!(Vec<String>), Array, None, false),
            (parse_quote!(Address), Object, None, false),
        ];
        for (ty, expected, format, nullable) in cases {
            let wire = infer(&ty).unwrap();
            assert_eq!(
                (wire.ty, wire.format, wire.nullable),
                (expected, format, nullable)
            );
        }
    }

    #[test]
    fn arrays_of_scalars_describe_their_items() {
        use PropertyType::{Integer, Object, String};
        let items = |ty: Type| infer(&ty).unwrap().items;
        assert_eq!(items(parse_quote!(Vec<String>)), Some((String, None)));
        assert_eq!(
            items(parse_quote!(BTreeSet<i64>)),
            Some((Integer, Some("int64")))
        );
        assert_eq!(items(parse_quote!([u8; 4])), Some((Integer, Some("int32"))));
        assert_eq!(items(parse_quote!(Vec<Vec<u8>>)), None);
        assert_eq!(
            items(parse_quote!(Vec<NaiveDate>)),
            None,
            "dates need their codec"
        );
        assert_eq!(items(parse_quote!(Vec<Line>)), Some((Object, None)));
    }

    #[test]
    fn unrepresentable_types_are_refused() {
        for ty in [
            parse_quote!((u8, u8)),
            parse_quote!(fn()),
            parse_quote!(*const u8),
            parse_quote!(&'static [u8]),
        ] {
            let ty: Type = ty;
            assert!(infer(&ty).is_err());
        }
    }
}
