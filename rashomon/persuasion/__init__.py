"""How each source tells it: persuasion techniques, loaded language, genre, frames, source profiles."""
