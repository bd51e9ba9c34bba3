"""An email backend for `EMAIL_URL=console://` in production: the worker's log
gets a line saying an email was sent, never its subject or body, which name
learners (reminders, digests, reports)."""

from django.core.mail.backends.console import EmailBackend


class EnvelopeConsoleBackend(EmailBackend):
    def write_message(self, message) -> None:
        recipients = len(message.recipients())
        self.stream.write(
            f"Email sent to {recipients} recipient(s) ({len(message.body)} characters); "
            "its subject and body are not logged.\n"
        )
