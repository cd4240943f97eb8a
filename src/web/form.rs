//! Reading multipart forms into plain fields plus at most one file, with limits.

use std::collections::HashMap;

use axum::extract::Multipart;

use crate::web::error::AppError;

/// The text fields and the optional uploaded file of a multipart form.
#[derive(Debug, Default)]
pub struct FormData {
    pub fields: HashMap<String, String>,
    pub file: Option<Vec<u8>>,
    /// The name the browser gave the file.
    pub file_name: Option<String>,
}

impl FormData {
    /// Returns a field's value or "".
    pub fn get(&self, k: &str) -> &str {
        self.fields.get(k).map(String::as_str).unwrap_or("")
    }
}

/// Reads a multipart body: text fields (at most `max_field` bytes each, 64 of them) and one file field named `file_field`.
pub async fn read_multipart(mut mp: Multipart, file_field: &str, max_field: usize) -> Result<FormData, AppError> {
    let mut out = FormData::default();
    while let Some(field) =
        mp.next_field().await.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == file_field {
            let name = field.file_name().filter(|n| !n.is_empty()).map(str::to_owned);
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge("The upload is too large.".into()))?;
            if name.is_some() && !bytes.is_empty() {
                out.file = Some(bytes.to_vec());
                out.file_name = name;
            }
            continue;
        }
        if out.fields.len() >= 64 {
            return Err(AppError::BadRequest("The form has too many fields.".into()));
        }
        let text = field.text().await.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        if text.len() > max_field {
            return Err(AppError::TooLarge(format!("The field “{name}” is longer than allowed.")));
        }
        out.fields.insert(name, text.replace("\r\n", "\n"));
    }
    Ok(out)
}
