//! `get_widget` returned a `Widget`: code that expects one no longer
//! compiles once the response is another schema.

/// Fetches a widget, typed as the old crate returns it.
pub async fn get(client: &shop::Shop) -> Result<shop::models::Widget, shop::Error> {
    client.widgets().get_widget("w_1").await
}
