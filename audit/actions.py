"""The vocabulary of changes to learner records: one enum, so the audit trail and the
learner timeline name a change the same way and read in plain words.

The values are the dotted names stored in `AuditEvent.action` (unchanged, so older
rows and filters keep working); the labels are what a person reads. Views, sign-in
and exports keep their own dotted names for now; a change service names its
action from here and writes it with `learners.timeline.change_record`.
"""

from django.db import models


class Action(models.TextChoices):
    # Learners
    LEARNER_CREATE = "learner.create", "Learner enrolled"
    LEARNER_UPDATE = "learner.update", "Learner's details changed"
    LEARNER_STATUS_CHANGE = "learner.status_change", "Status changed"
    LEARNER_TRANSFER = "learner.transfer", "Learner transferred"
    LEARNER_RM_TAKE_ON = "learner.regional_manager_take_on", "Regional manager took on the learner"
    LEARNER_RM_CHANGE = "learner.regional_manager_change", "Regional manager changed"
    LEARNER_TUTOR_HAND_ON = "learner.tutor_hand_on", "Handed on to another tutor"
    LEARNER_GRADUATION_EXCEPTION = (
        "learner.graduation_exception",
        "Graduated by a director's exception",
    )
    CONSENT_GIVE = "consent.give", "Consent given"
    CONSENT_WITHDRAW = "consent.withdraw", "Consent withdrawn"
    CASE_NOTE_ADD = "case_note.add", "Case note added"
    CASE_NOTE_CORRECT = "case_note.correct", "Case note corrected"
    INTAKE_CREATE = "intake.create", "Intake interview completed"
    INTAKE_UPDATE = "intake.update", "Intake interview edited"
    INTAKE_DRAFT_SAVE = "intake.draft_save", "Intake interview answers saved to finish later"
    INTAKE_DRAFT_DISCARD = "intake.draft_discard", "Unfinished intake interview answers discarded"
    # Learning and reviews
    COMPLETION_CREATE = "completion.create", "Module completion recorded"
    SKILLS_INTAKE_RATINGS = "skills.intake_ratings", "Starting skill ratings recorded"
    REVIEW_START = "review.start", "Review started"
    REVIEW_SAVE_DRAFT = "review.save_draft", "Review draft saved"
    REVIEW_COMPLETE = "review.complete", "Review held"
    REVIEW_PAUSE_START = "review_pause.start", "Reviews paused"
    REVIEW_PAUSE_END = "review_pause.end", "Reviews resumed"
    INTERVENTION_CREATE = "intervention.create", "Intervention agreed"
    INTERVENTION_UPDATE = "intervention.update", "Intervention updated"
    # Resettlement
    PLAN_START = "resettlement.plan.start", "Resettlement plan started"
    PLAN_VIEW = "resettlement.plan.view", "Resettlement plan viewed"
    PLAN_COMMENT = "resettlement.plan.comment", "Comment on the resettlement plan"
    PATHWAY_CHANGE = "resettlement.pathway.change", "Pathway status changed"
    ACTION_ADD = "resettlement.action.add", "Plan action added"
    ACTION_CHANGE = "resettlement.action.change", "Plan action changed"
    ACTION_UPDATE = "resettlement.action.update", "Update to a plan action"
    RELEASE_RECORD = "resettlement.release.record", "Release recorded"
    RELEASE_RETURN = "resettlement.release.return", "Return to custody recorded"
    FOLLOW_UP_RECORD = "resettlement.follow_up.record", "Follow-up recorded"
    CONTACT_ADD = "resettlement.contact.add", "Support contact recorded"
    LEARNER_LINK_SEND = "resettlement.learner_link.send", "Link sent to the learner"
    LEARNER_LINK_OPEN = "resettlement.learner_link.open", "Learner opened their link"
    LEARNER_LINK_REFUSE = "resettlement.learner_link.refuse", "Learner link refused"
    SELF_REPORT_SUBMIT = "resettlement.self_report.submit", "Learner reported how they are doing"
    OWN_PROGRESS_VIEW = "resettlement.own_progress.view", "Learner viewed their own progress"
    EMPLOYER_ADD = "resettlement.employer.add", "Employer added"
    OPPORTUNITY_ADD = "resettlement.opportunity.add", "Opportunity added"
    APPLICATION_ADD = "resettlement.application.add", "Introduced to an opportunity"
    APPLICATION_MOVE = "resettlement.application.move", "Job application moved on"
    APPLICATION_UPDATE = "resettlement.application.update", "Job application changed"
    APPLICATION_CLOSE = "resettlement.application.close", "Job application closed"
    APPLICATION_REOPEN = "resettlement.application.reopen", "Job application reopened"
    MENTOR_ADD = "resettlement.mentor.add", "Mentor added"
    MENTOR_MATCH = "resettlement.mentor.match", "Matched with a mentor"
    MENTOR_MATCH_END = "resettlement.mentor.match_end", "Mentoring ended"
    EMPLOYER_UPDATE = "resettlement.employer.update", "Employer changed"
    OPPORTUNITY_UPDATE = "resettlement.opportunity.update", "Opportunity changed"
    OPPORTUNITY_CLOSE = "resettlement.opportunity.close", "Opportunity closed"
    OPPORTUNITY_REOPEN = "resettlement.opportunity.reopen", "Opportunity reopened"
    MENTOR_UPDATE = "resettlement.mentor.update", "Mentor's details changed"
    MENTOR_PAUSE = "resettlement.mentor.pause", "Mentor paused"
    MENTOR_RESUME = "resettlement.mentor.resume", "Mentor resumed"
    # Case studies
    CASE_STUDY_START = "case_study.start", "Case study started"
    CASE_STUDY_EDIT = "case_study.edit", "Case study edited"
    CASE_STUDY_APPROVE = "case_study.approve", "Case study approved"
    CASE_STUDY_RETURN = "case_study.return", "Case study returned to its author"
    CASE_STUDY_WITHDRAW = "case_study.withdraw", "Case study withdrawn (consent withdrawn)"
    CASE_STUDY_EXPORT = "case_study.export", "Case study exported"


# What is not a change to a learner's record: signing in, views, exports and the
# configuration of the service. Stored under these dotted names; shown in these words.
OTHER_ACTIONS: dict[str, str] = {
    "auth.sign_in": "Signed in",
    "auth.sign_out": "Signed out",
    "auth.locked_out": "Locked out after failed sign-ins",
    "auth.password_change": "Password changed",
    "auth.password_reset": "Password reset",
    "auth.two_factor": "Security code checked",
    "auth.two_factor_enrol": "Authenticator app set up",
    "auth.two_factor_reset": "Authenticator app reset",
    "auth.backup_codes_regenerate": "New backup codes made",
    "audit.view": "Audit trail viewed",
    "audit.export": "Audit trail downloaded",
    "learner.view": "Learner's record viewed",
    "learner.import": "Learners imported",
    "learner.import_check": "Import file checked",
    "learner.progress_pdf": "Progress report downloaded",
    "learners.caseload_csv": "Caseload downloaded",
    "notifications.preferences_change": "Reminder settings changed",
    "notifications.test_email": "Test email sent",
    "notifications.withheld": "Reminder withheld",
    "privacy.anonymise": "Record anonymised",
    "privacy.data_request_log": "Data request logged",
    "privacy.data_request_extend": "Data request deadline extended",
    "privacy.data_request_close": "Data request closed",
    "privacy.erase": "Record erased",
    "privacy.erase_decline": "Erasure declined",
    "privacy.erase_request": "Erasure requested",
    "privacy.retention_run": "Old records removed under the retention rules",
    "privacy.subject_access": "Subject access copy produced",
    "report.dashboard.view": "Dashboard viewed",
    "report.impact_csv": "Impact figures downloaded",
    "report.partner.request": "Partner report requested",
    "report.partner.generate": "Partner report produced",
    "report.partner.regenerate": "Partner report produced again",
    "report.partner.download": "Partner report downloaded",
    "resettlement.page.view": "Resettlement page viewed",
    "resettlement.shared_list.view": "Shared plans viewed",
    "reviews.module.add": "Module added",
    "reviews.module.update": "Module changed",
    "reviews.module.retire": "Module retired",
    "reviews.module.restore": "Module brought back",
    "reviews.track.add": "Track added",
    "reviews.track.update": "Track changed",
    "configuration.prison.add": "Prison added",
    "configuration.prison.update": "Prison's details changed",
    "configuration.prison.close": "Prison closed",
    "configuration.prison.reopen": "Prison reopened",
    "configuration.region.add": "Region added",
    "configuration.region.rename": "Region renamed",
    "configuration.reminder_time.change": "Reminder time changed",
    "configuration.staff.invite": "Staff member invited",
    "configuration.staff.invitation_resend": "Invitation sent again",
    "configuration.staff.update": "Staff member's details changed",
    "configuration.staff.deactivate": "Staff member's account closed",
    "configuration.staff.reactivate": "Staff member's account reopened",
    "configuration.staff.hand_on": "Tutor's learners handed on",
    "case_study.view": "Case study viewed",
    "report.justice_data_lab.export": "Justice Data Lab cohort downloaded",
    "report.justice_data_lab.result": "Justice Data Lab result recorded",
    "user.create": "User account created",
    "user.update": "User account changed",
    "user.prisons": "User's prisons changed",
    "user.delete": "User account deleted",
    "prison.create": "Prison created",
    "prison.update": "Prison changed",
    "prison.delete": "Prison deleted",
    "region.create": "Region created",
    "region.update": "Region changed",
    "region.delete": "Region deleted",
}


def action_label(action: str) -> str:
    """The plain words for a stored action name: a change's label, else the label of
    a sign-in, view, export or configuration action, else the name itself."""
    try:
        return Action(action).label
    except ValueError:
        return OTHER_ACTIONS.get(action, action)
