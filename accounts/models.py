from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device


class Region(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Prison(models.Model):
    code = models.CharField(
        max_length=5,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{2,5}$", "Enter a prison code of 2 to 5 capital letters.")
        ],
        help_text="The prison's short code, for example HMI.",
    )
    name = models.CharField(max_length=120, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="prisons")
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.code = self.code.upper()
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    REGIONAL_MANAGER = "regional_manager", "Regional manager"
    TUTOR = "tutor", "Tutor"
    OMU = "omu", "Offender management (OMU) staff"
    DIRECTOR = "director", "Director"
    ADMINISTRATOR = "administrator", "Administrator"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("Staff users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.ADMINISTRATOR)
        fields.setdefault("full_name", "Administrator")
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in with an email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    prisons = models.ManyToManyField(
        Prison,
        blank=True,
        related_name="staff",
        help_text="The prisons this person covers. Directors and administrators see every prison.",
    )
    is_active = models.BooleanField("active", default=True)
    is_staff = models.BooleanField(
        "can use the admin site",
        default=False,
        help_text="Administrators manage users, prisons and configuration there.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.is_staff and self.role == Role.ADMINISTRATOR

    def has_perm(self, perm: str, obj=None) -> bool:
        # Administrators manage configuration in the admin; the ModelAdmins of
        # learner data and the audit trail refuse changes for everybody.
        return self.is_administrator or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_administrator or super().has_module_perms(app_label)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PasswordResetRequest(models.Model):
    """One request for a reset link, kept for the rate-limit window only (an
    hour). The account and the address are stored as keyed digests, never as
    typed, and the same row is written whether or not the address has an account."""

    account_digest = models.CharField(max_length=64)
    address_digest = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["account_digest", "requested_at"], name="reset_account_idx"),
            models.Index(fields=["address_digest", "requested_at"], name="reset_address_idx"),
        ]

    def __str__(self) -> str:
        return f"Password reset request at {self.requested_at:%Y-%m-%d %H:%M}"


class BackupCodeDevice(Device):
    """A person's backup codes as one django-otp device, so a backup code signs
    in like the app does. The codes themselves are BackupCode rows, each kept
    only as a keyed digest (accounts.two_factor); a code is deleted when used."""

    class Meta:
        verbose_name = "backup codes"
        verbose_name_plural = "backup codes"

    def verify_token(self, token) -> bool:
        from accounts.two_factor import backup_code_digest

        digest = backup_code_digest(user_id=self.user_id, code=str(token))
        if digest is None:
            return False
        deleted, _ = BackupCode.objects.filter(user_id=self.user_id, digest=digest).delete()
        return deleted > 0


class BackupCode(models.Model):
    """One unused backup code, as an HMAC-SHA256 digest keyed by SECRET_KEY: the
    code is shown once, when made, and cannot be read back from the database."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="backup_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Backup code of {self.user}"
