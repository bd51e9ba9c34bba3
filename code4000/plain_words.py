"""A label read inside a sentence: "Finance and ID" becomes "finance and ID", not
"finance and id"; "Share the plan with the prison's OMU" keeps "OMU" (issue 17,
item 7). Use it wherever a choice's label is put in lower case mid-sentence."""

from __future__ import annotations


def in_sentence(label) -> str:
    """Every word in lower case except acronyms (two or more capitals: ID, OMU, CV)."""
    words = str(label).split(" ")
    return " ".join(
        word if sum(ch.isupper() for ch in word) >= 2 else word.lower() for word in words
    )
