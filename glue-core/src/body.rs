//! The response body of the router.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// The body of every response the router sends: empty or one buffer.
#[derive(Debug, Default)]
pub struct Body {
    data: Option<Bytes>,
}

impl Body {
    /// An empty body.
    #[must_use]
    pub const fn empty() -> Self {
        Self { data: None }
    }

    /// A body of one buffer.
    #[must_use]
    pub fn full(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        Self {
            data: (!data.is_empty()).then_some(data),
        }
    }

    /// The bytes of the body, without consuming it (for tests and logs).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_deref().unwrap_or_default()
    }
}

impl From<Vec<u8>> for Body {
    fn from(data: Vec<u8>) -> Self {
        Self::full(data)
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |data| data.len() as u64))
    }
}
