//! Record ids: 32 lowercase hex characters (128 random bits), made by the
//! caller from the operating system's randomness so the domain stays free
//! of I/O.

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, $crate::fields::Problem> {
                if raw.len() == 32
                    && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                {
                    Ok($name(raw.to_string()))
                } else {
                    Err(concat!("not a valid ", $what, " id").to_string())
                }
            }
            pub fn from_random(bytes: [u8; 16]) -> Self {
                $name(bytes.iter().map(|b| format!("{b:02x}")).collect())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = $crate::fields::Problem;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub(crate) use hex_id;
