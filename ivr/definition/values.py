"""The values a flow's fields hold: texts (or recordings) per language, word lists, and the
strict base every part of the format shares."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field


class Recording(BaseModel):
    """A recorded prompt, for a language Twilio's voices cannot speak."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    play: str = Field(
        description="An audio file (WAV or MP3) under the flow's recordings/ folder, "
        "or an https URL on a host named in the setting IVR_MEDIA_HOSTS."
    )


#: A text for callers: plain text in the line's language, or one text (or recording) per
#: language (``{en-GB: ..., pl-PL: ..., sq-AL: {play: recordings/sq/welcome.mp3}}``).
#: ``{name}`` inside a text says the phone number called ``name`` slowly, grouped and
#: twice; ``{helpline}`` is always the line's helpline.
Text = Annotated[
    Union[str, dict[str, Union[str, Recording]]],
    Field(description="Text for callers, or one text or {play: file} per language. {number_name} speaks a number."),
]

#: Words a caller may say: a list in the line's language, or one list per language.
Words = Union[list[str], dict[str, list[str]]]


class Strict(BaseModel):
    """Unknown fields are errors: a misspelt field must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
