//! `create_widget` took a `NewWidget`: passing one no longer compiles once
//! the body is another schema.

/// Builds a create request with the old body type.
pub fn create(client: &shop::Shop) {
    let _request = client
        .widgets()
        .create_widget(shop::models::NewWidget::new("bolt"));
}
