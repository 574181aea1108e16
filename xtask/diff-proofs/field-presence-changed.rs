//! `Widget::color` was required, so a `Color`: code that reads it as such no
//! longer compiles once it is optional (`Option<Color>`).

/// The widget's color, as the old crate types it.
pub fn color(widget: &shop::models::Widget) -> shop::models::Color {
    widget.color.clone()
}
