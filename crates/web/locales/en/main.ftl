# Stoa's English catalog: complete, and the fallback for every other language.
# Message ids are used in templates (ctx.t("id")) and in code (error and notice ids).

## Navigation and layout

nav-skip = Skip to content
nav-label = Main
nav-home = Home
nav-spaces = Spaces
nav-profile = Your profile
nav-settings = Settings
nav-admin = Admin
nav-sign-in = Sign in
nav-sign-up = Sign up
nav-sign-out = Sign out
breadcrumb = Breadcrumb
footer-powered = Stoa, a place to learn together
footer-api = API
actions = Actions
save = Save
cancel = Cancel
pager = Pages
pager-newer = Newer
pager-older = Older
pager-previous = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }
markdown-help = You can use Markdown: **bold**, _italic_, lists, tables, `code`, [links](https://example.org) and images.

## Times and counts

time-just-now = just now
time-minutes-ago = { $n ->
    [one] a minute ago
   *[other] { $n } minutes ago
}
time-hours-ago = { $n ->
    [one] an hour ago
   *[other] { $n } hours ago
}
time-days-ago = { $n ->
    [one] yesterday
   *[other] { $n } days ago
}
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
members-count = { $n ->
    [one] 1 member
   *[other] { $n } members
}
threads-count = { $n ->
    [one] 1 thread
   *[other] { $n } threads
}
replies-count = { $n ->
    [one] 1 reply
   *[other] { $n } replies
}
posts-count = { $n ->
    [one] 1 post
   *[other] { $n } posts
}
unread-count = { $n } new
days-count = { $n ->
    [one] 1 day
   *[other] { $n } days
}
last-active = active { $when }

## Notices shown once after an action

flash-signed-in = Welcome back.
flash-signed-out = You have signed out.
flash-welcome = Welcome to Stoa! Find a space to join, or start your own.
flash-joined = You joined this space.
flash-left = You left the space.
flash-request-sent = Your request was sent. You will be let in when someone approves it.
flash-request-withdrawn = Your request was withdrawn.
flash-space-created = Your space is ready. Invite people or start the first thread.
flash-settings-saved = Settings saved.
flash-profile-saved = Your profile was saved.
flash-password-changed = Your password was changed. You were signed out everywhere else.
flash-invite-sent = Invitation sent.
flash-invite-revoked = Invitation revoked.
flash-invite-accepted = Welcome! You are now a member.
flash-invite-declined = Invitation declined.
flash-request-approved = Request approved: they are now a member.
flash-request-denied = Request denied.
flash-role-changed = Role changed.
flash-member-removed = Member removed.
flash-post-updated = Your post was updated.
flash-post-deleted = The post was deleted.
flash-token-revoked = Token revoked. It no longer works.
flash-user-updated = Account updated.
flash-doc-discarded = The live text starts afresh from its page.
admin-quarantined = Live texts set aside
admin-quarantined-help = These live texts could not be read, so nobody can open them. Their pages keep their last saved versions. Starting one afresh deletes its live text; the next person to open it starts from the page's last version (an event's notes start empty).
admin-quarantined-doc = Text of
admin-quarantined-reason = Why
admin-quarantined-at = Since
admin-quarantined-discard = Start afresh
flash-user-created = Account created.

## Home

home-title = Home
home-hero-title = Learn together.
home-hero-lead = Communities of practice, team spaces and open discussions where peers and experts share what they know, with a facilitator to keep things moving.
home-hero-cta = Create your account
home-hero-browse = Browse spaces
home-invites = Invitations
home-invite-line = { $inviter } invited you to { $space }
home-activity = Recent activity in your spaces
home-public-activity = Recent activity
home-activity-empty = Nothing here yet. Join a space or start a thread, and what happens will show up here.
home-public-activity-empty = Nothing has happened in public spaces yet.
home-your-spaces = Your spaces
home-public-spaces = Public spaces
home-no-spaces = No spaces yet.
home-browse-spaces = Browse spaces
activity-started = started
activity-replied = replied in
activity-joined = joined

## Signing in and up

signin-title = Sign in
signin-login = Username or email
signin-submit = Sign in
signin-failed = Wrong username or password.
signin-no-account = New here?
signup-title = Create your account
signup-submit = Create account
signup-have-account = Already have an account?
signup-invite-only = This instance is invite-only: you need an invite link from a space to sign up.
field-username = Username
field-username-help = 3 to 32 characters: letters, digits, _ and -. Others will @mention you with it.
field-display-name = Display name
field-email = Email
field-optional = (optional)
field-password = Password
field-password-help = At least 10 characters. A short sentence is easy to remember and hard to guess.
field-current-password = Current password
field-new-password = New password
field-bio = About you
field-language = Language
field-language-browser = Same as my browser
language-en = English
language-es = Español

## Profiles and settings

profile-joined = joined { $date }
profile-admin = Admin
profile-edit = Edit your profile
profile-spaces = Spaces
profile-no-spaces = No spaces you can see.
settings-title = Settings
settings-sections = Settings sections
settings-profile = Profile
settings-password = Password
settings-password-change = Change password
settings-password-sessions = Changing it signs you out on every other device.
settings-tokens = API tokens
token-new = New API token
token-help = Tokens let scripts and other programs use the Stoa API as you. Send one as "Authorization: Bearer <token>".
token-name = Name
token-create = Create token
token-created = Your new token
token-created-help = Copy it now: for your safety it will not be shown again.
token-secret = Token
token-list = Your tokens
token-none = You have no API tokens.
token-prefix = Starts with
token-created-at = Created
token-last-used = Last used
token-never-used = never
token-revoke = Revoke

## Spaces

directory-title = Spaces
directory-search = Search spaces
directory-kind = Kind
directory-all-kinds = All kinds
directory-filter = Filter
directory-empty = No spaces match. Try other words, or create a space.
community = Community
community-plural = Communities
community-help = A community of practice or a network around a topic.
team = Team
team-plural = Teams
team-help = A small group with a shared problem, on its own or inside a community.
team-new = New team
space-new = New space
space-create = Create space
space-in = in { $name }
space-about = About
space-no-description = No description yet.
space-join = Join
space-leave = Leave this space
space-request = Ask to join
space-request-title = Ask to join { $name }
space-request-message = A note for the people who approve requests
space-request-message-help = Say who you are and why you would like to join.
space-request-send = Send request
space-request-pending = Your request is waiting for approval.
space-request-withdraw = Withdraw
space-sign-in-to-join = Sign in to join
space-sections = Space sections
space-tab-threads = Threads
space-tab-members = Members
space-tab-invites = Invitations
space-tab-requests = Requests
space-tab-settings = Settings
space-no-threads = No threads yet.
space-members-only-title = For members only
space-members-only-body = The discussions in this space are visible to its members. Join or ask to join to take part.
field-kind = Kind of space
field-parent = Inside the community
field-parent-none = None: a standalone team
field-parent-help = A team inside a community is visible to the community's facilitators, and its members must belong to the community.
field-space-name = Name
field-slug = Address
field-slug-help = Used in links: /s/your-address. Left empty, it is made from the name.
field-description = Description
field-visibility = Who can see it
field-join-policy = How people join
field-role = Role
visibility-public = Public
visibility-public-help = Anyone can read it, even without an account.
visibility-members = Members only
visibility-members-help = Listed in the directory; only members read the discussions.
visibility-secret = Secret
visibility-secret-help = Unlisted: only members know it exists.
join-open = Open
join-open-help = Anyone who can see the space may join.
join-request = By request
join-request-help = People ask to join; owners and facilitators approve.
join-invite = By invitation
join-invite-help = Only people who are invited can join.
role-owner = Owner
role-facilitator = Facilitator
role-member = Member
member-since = member since { $date }
member-role-of = Role of { $name }
member-change-role = Change
member-remove = Remove
requests-empty = No requests waiting.
request-approve = Approve
request-deny = Deny
invite-person = Invite someone
invite-send = Send invitation
invite-link = Invite link
invite-link-create = Create an invite link
invite-link-created = Your invite link
invite-link-created-help = Share it with the people you want to invite. It is shown only this once.
invite-expires = Expires after
invite-expires-on = expires { $date }
invite-max-uses = Number of uses
invite-uses = { $n ->
    [one] used once
   *[other] used { $n } times
}
invite-made-by = by { $name }, { $when }
invite-revoke = Revoke
invites-pending = Pending invitations
invites-none = No pending invitations.
invite-accept = Accept invitation
invite-decline = Decline
invite-link-title = Invitation
invite-link-heading = You're invited to { $name }
invite-link-from = { $name } invited you.
invite-link-sign-up = Create an account to join
invite-link-sign-in = I have an account

## Threads and posts

thread-new = New thread
thread-post = Post thread
thread-start-first = Start the first thread
thread-started-by = by { $name }
thread-last-reply = last reply by { $name } { $when }
thread-new-since = { $n ->
    [one] 1 new post since your last visit
   *[other] { $n } new posts since your last visit
}
thread-new-divider = New since your last visit
field-title = Title
field-body = Message
post-edited = edited
post-in-reply-to = in reply to #{ $n }
post-new = New
post-quote = Quote
post-edit = Edit
post-delete = Delete
post-delete-confirm = Delete this post? It will show as deleted in the thread.
post-deleted = This post was deleted.
post-history = Edit history
post-history-current = Current version
post-version = version { $n }
post-back = Back to the thread
reply-heading = Reply
reply-label = Your reply
reply-submit = Post reply
reply-sign-in = Sign in to reply.
reply-join = Join the space to reply:
edit-conflict = This post changed while you were editing it. Its current text is shown above; your text is kept below. Save again to replace it.
edit-conflict-current = The post as it is now
edit-conflict-yours = Your text

## Admin

admin-title = Admin
admin-instance = This instance
admin-instance-name = Instance name
admin-registration = Who can sign up
admin-registration-open = Anyone
admin-registration-open-help = Anyone who reaches this site can create an account.
admin-registration-invite = Invited people only
admin-registration-invite-help = People need an invite link from a space to create an account.
admin-create-user = Create an account
admin-make-admin = Make this person an admin
admin-users = Accounts
admin-filter-users = Find people
admin-joined = Joined
admin-status = Status
admin-suspended = Suspended
admin-grant-admin = Make admin
admin-revoke-admin = Remove admin
admin-suspend = Suspend
admin-reinstate = Reinstate

## API documentation page

api-docs-title = API documentation
api-docs-download = OpenAPI document (JSON)
api-docs-operations = { $n } operations
api-docs-contents = Contents
api-docs-schemas = Schemas
api-docs-parameters = Parameters
api-docs-required = required
api-docs-body = Body
api-docs-responses = Responses
api-docs-field = Field
api-docs-type = Type
api-docs-description = Description

## Errors

error-go-home = Go to the home page
error-not-found-title = Not found
error-not-found-body = There is nothing here, or you are not allowed to see it.
error-sign-in-title = Please sign in
error-session-expired-title = Your session has ended. Please sign in again.
error-sign-in-body = You need to be signed in to do this.
error-forbidden-title = Not allowed
error-forbidden-body = You can see this, but you are not allowed to do that here.
error-conflict-title = That cannot be done right now
error-gone-title = This link no longer works
error-rate-limited-title = Too many attempts
error-rate-limited-body = Too many attempts. Please wait a few minutes and try again.
error-storage-full-title = Nothing could be saved
error-storage-full-body = The server has run out of storage space, so what you sent was not saved. Please keep a copy and try again later; the people running this site have been told.
error-quarantined-title = This live text is set aside
error-quarantined-body = The live text could not be read, so it was set aside and an admin can see it. The page itself keeps its last saved version.
error-bad-query-title = That address is not quite right
error-bad-query-body = Part of the address (after the “?”) could not be read. Check the link, or go back and try again.
error-bad-form-title = Something is wrong with that form
error-bad-form-body = The form could not be read. Go back, reload the page and try again.
error-csrf-title = This form has expired
error-csrf-body = For your safety, forms only work from the page they came from. Go back, reload the page and try again.
error-internal-title = Something went wrong
error-internal-body = Something went wrong on our side. Please try again in a moment.
error-kept-text = What you wrote was not saved. Copy it from here:

## Refused input (field messages)

invalid-empty = This cannot be empty.
invalid-too-long = This is too long: at most { $limit } characters.
invalid-too-short = This is too short: at least { $limit } characters.
invalid-characters = Use only these characters: { $allowed }.
invalid-option = Choose one of the options.
invalid-email = This does not look like an email address.
username-taken = This username is taken.
email-taken = An account with this email already exists.
slug-taken = This address is taken. Try another.
slug-needed = Choose an address using letters and digits.
password-wrong = That is not your current password.
user-unknown = There is nobody with this username.
already-member = This person is already a member.
invitee-not-in-community = This person must join the community before they can join one of its teams.
parent-only-for-teams = Only teams can be inside a community.
parent-must-be-community = Teams can only be inside a community.
reply-to-unknown = The post you are replying to is not in this thread.

## Refused actions

last-owner = A space needs at least one owner. Make someone else an owner first.
last-admin = The instance needs at least one admin. Make someone else an admin first.
cannot-suspend-self = You cannot suspend your own account.
registration-invite-only = This instance is invite-only: you need an invite link from a space to sign up.
invite-no-longer-valid = This invitation is no longer valid.
invite-expired = This invite link has expired. Ask for a new one.
invite-used-up = This invite link has been used as many times as allowed. Ask for a new one.
invite-already-decided = This invitation was already answered or revoked.
request-already-decided = This request was already decided.
join-community-first = Join the community first, then its teams.
demo-already-loaded = The demo content is already loaded.

## Wiki
space-tab-wiki = Wiki
space-tab-library = Library
search = Search
wiki = Wiki
wiki-recent-changes = Recent changes
wiki-new-page = New page
wiki-new-subpage = Add a page under this one
wiki-empty = No pages yet. Start the knowledge base with a first page.
wiki-protected = Protected
wiki-protect = Protect
wiki-unprotect = Lift protection
wiki-page-path = Page path
wiki-last-edit = Last edited by { $name } { $when }
wiki-revisions = { $n ->
    [one] { $n } revision
   *[other] { $n } revisions
}
wiki-edit = Edit
wiki-talk = Talk
wiki-subpages = Pages under this one
wiki-missing-title = This page does not exist yet
wiki-missing-body = A link points here, but nobody has written this page.
wiki-create-this = Create this page
wiki-conflict = { $name } saved this page while you were editing it.
wiki-conflict-help = Your changes overlap with theirs, so nothing was saved. Their version is on the left, yours on the right, exactly as you typed it. Combine them in your text and save again.
wiki-conflict-theirs = Saved version (revision { $n })
wiki-parent = Inside page (optional)
wiki-parent-help = The address of the page this one belongs under, such as handbook. Leave empty for a top-level page.
wiki-text = Text
wiki-text-help = Markdown. Link to other pages with [[Page name]] or [[Page name|shown text]].
wiki-summary = What did you change? (optional)
wiki-history = History
wiki-compare = Compare selected revisions
wiki-compare-from = From
wiki-compare-to = To
wiki-compare-from-n = Compare from revision { $n }
wiki-compare-to-n = Compare to revision { $n }
wiki-compare-current = Compare with the current version
wiki-revision = Revision
wiki-restore = Restore this version
wiki-restore-short = Restore
wiki-restore-n = Restore revision { $n }
wiki-summary-column = Summary
wiki-diff = Changes
wiki-diff-title = Changes from revision { $from } to { $to }
wiki-diff-line = At line { $n }
wiki-added = Added:
wiki-removed = Removed:
wiki-title-changed = Title changed
wiki-no-difference = These revisions have the same text.
wiki-old-revision = You are reading revision { $n }, by { $name },
wiki-created = created
wiki-talk-title = Talk: { $title }
wiki-talk-empty = Nobody has discussed this page yet. Ask a question or suggest a change; the discussion stays attached to the page.
wiki-talk-start = Start the discussion
wiki-page-exists = A page with this title already exists in this space.
wiki-parent-unknown = There is no page at this address.
wiki-parent-cycle = A page cannot be inside itself or one of its own subpages.
wiki-parent-too-deep = Pages can be nested at most eight levels deep.
wiki-revision-unknown = The revision you started from is unknown. Reload the page and try again.
wiki-changed = The page changed while it was being saved. Try again.
wiki-talk-about = This is the talk page of the wiki page
flash-wiki-merged = Someone saved this page while you edited it; your changes were merged with theirs.
flash-wiki-restored = The old version was restored as a new revision.

## Files and library
upload = Upload
upload-attach = Attach a file
upload-help = Pictures appear in the text; other files become links.
upload-done = Uploaded. Copy this into your text:
upload-title = File uploaded
file-empty = The file is empty.
file-missing = Choose a file to upload.
file-too-large = The file is larger than the upload limit.
invalid-url = Enter a web address starting with http:// or https://.
library = Library
library-new-item = Add to the library
library-edit-item = Edit library item
library-kind = Kind
library-kind-link = Link
library-kind-file = File
library-kind-article = Article
library-url = Web address
library-file = File
library-description = Description (Markdown)
library-tags = Tags
library-tags-help = Separated by spaces or commas, such as rust testing.
library-suggested = Suggested
library-suggest = Suggest to the space
library-unsuggest = Stop suggesting
library-empty = Nothing in the library yet.
library-all-tags = All
library-collections = Collections
library-new-collection = New collection
library-collection-items = In this collection
library-collection-empty = This collection is empty. Add items from the library.
library-add-to = Add to a collection
library-remove = Remove
library-move-up = Move up
library-move-down = Move down
library-delete = Delete
library-delete-confirm = Delete this for everyone?
library-download = Download
library-open-link = Open link
library-item-unknown = One of the items is not in this space's library.
library-collection-full = A collection holds at most 200 items.
flash-item-deleted = The item was deleted.
flash-collection-deleted = The collection was deleted.

## Search
search-placeholder = Words, "a phrase", tag:rust, space:guild, kind:wiki
search-help = Use quotes for a phrase, -word to leave a word out, and tag:, space: or kind: (thread, post, wiki, library, collection) to narrow the results.
search-partial = The search index is being rebuilt: these results are some of what there is. Try again in a minute for all of them.
search-count = { $n ->
    [0] Nothing found.
    [one] One result.
   *[other] { $n } results.
}
search-ignored = Not understood, so left out: { $terms }
search-refine = Refine
search-facet-kind = Kind
search-facet-space = Space
search-facet-tag = Tag
search-kind-thread = Thread
search-kind-post = Reply
search-kind-wiki = Wiki page
search-kind-library = Library
search-kind-collection = Collection
similar-heading = These may already answer it

## Facilitation and Q&A
anonymous = Anonymous
space-tab-facilitate = Facilitate
thread-filters = Show threads
thread-filter-all = All
thread-filter-questions = Questions
thread-filter-unanswered = Unanswered
thread-filter-unaccepted = No accepted answer
thread-filter-empty = No threads match this filter.
thread-pinned = Pinned
thread-opens-at = Opens { $when }
thread-closed = Closed
thread-locked = Locked
question-accepted = Answered ✓
question-answered = Has answers
question-unanswered = Unanswered
thread-kind = What are you starting?
thread-kind-discussion = A discussion
thread-kind-discussion-help = Talk something through with the group.
thread-kind-question = A question
thread-kind-question-help = Answers are voted on, and one can be accepted.
post-anonymously = Post anonymously to my peers
post-anonymously-help = Other members see “Anonymous”; the space's facilitators still see who wrote it.
post-anonymous-badge = Anonymous to peers
thread-facilitator-options = Facilitator options
thread-opens-at-label = Open it later (a scheduled prompt)
thread-opens-at-help = Until then only facilitators see it. Leave empty to open now. Times are in your browser's time zone (UTC without JavaScript).
thread-post-first-label = Post-first mode
thread-post-first-help = Members see each other's replies only after posting their own.
thread-post-first = Post first
thread-slow-mode = Slow mode: one post every { $interval }
thread-closed-notice = This thread is closed.
thread-locked-notice = This thread is locked: it takes no new replies for now.
thread-post-first-hidden = { $n ->
    [one] 1 reply is hidden until you post your own: this thread asks everyone to think for themselves first.
   *[other] { $n } replies are hidden until you post your own: this thread asks everyone to think for themselves first.
}
answers-count = { $n ->
    [one] 1 answer
   *[other] { $n } answers
}
votes = Votes
vote-up = This answer is useful
vote-down = This answer is not useful
answer-accepted = Accepted answer
answer-endorsed-by = Endorsed by { $name }
answer-accept = Accept this answer
answer-unaccept = Unaccept
answer-endorse = Endorse
answer-unendorse = Remove endorsement
answer-heading = Your answer
answer-label = Answer
answer-submit = Post answer
thread-split-pick = Split off
thread-facilitate = Facilitate this thread
thread-pin = Pin
thread-unpin = Unpin
thread-lock = Lock
thread-unlock = Unlock
thread-post-first-on = Turn on post-first
thread-post-first-off = Turn off post-first
thread-reopen = Reopen
thread-close-reason = Why is it closed?
thread-close = Close
thread-slow-mode-label = Slow mode for this thread
slow-mode-off = Off
thread-move-label = Move to another space you facilitate
thread-move = Move
thread-split-label = Title for a new thread
thread-split-help = Tick “Split off” on the replies to move; the first one opens the new thread.
thread-split = Split off selected replies
thread-merge-label = Merge into the thread at
thread-merge-help = Paste the other thread's address. This thread's posts follow its own, and links here will lead there.
thread-merge = Merge
thread-merge-confirm = Merge this thread into the other one? This cannot be undone.
rules-heading = Discussion rules
rules-intro = How discussions in this space run. They apply to every member; facilitators are never slowed down or kept from replies.
rules-allow-anonymous = Members may post anonymously to their peers
rules-allow-anonymous-help = Useful for questions people hesitate to ask. Facilitators and owners still see who wrote each post.
rules-post-first = New threads start in post-first mode
rules-slow-mode = Slow mode across the space
rules-slow-mode-help = The least time between two posts by one member, anywhere in this space.
facilitate-shortcuts = Shortcuts
facilitate-schedule-prompt = Schedule a discussion prompt
interval-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}
interval-hours = { $n ->
    [one] 1 hour
   *[other] { $n } hours
}
interval-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
interval-seconds = { $n ->
    [one] 1 second
   *[other] { $n } seconds
}
slow-mode-wait = Slow mode is on here: you can post again in { $interval }. Your text is still below.
error-slow-mode-title = Slow down a little
error-slow-mode-body = Slow mode is on here: wait a moment before posting again.
flash-answer-accepted = The answer is accepted.
flash-thread-updated = The thread is updated.
flash-thread-moved = The thread has moved.
flash-thread-split = The replies now have a thread of their own.
flash-thread-merged = The threads are merged.
flash-rules-saved = The discussion rules are saved.
opens-at-past = Choose a time in the future.
invalid-datetime = Enter a date and time.
anonymous-not-allowed = This space does not allow anonymous posts.
vote-value = A vote is 1, -1 or 0.
slow-mode-range = Choose between 0 and { $limit } seconds.
close-reason-required = Say why the thread is closed.
move-space-unknown = Choose a space you facilitate.
move-same-space = The thread is already in this space.
split-post-unknown = Only this thread's replies can be split off.
split-nothing = Choose at least one reply to split off.
merge-thread-unknown = Paste the address of a thread in a space you facilitate.
merge-same-thread = A thread cannot be merged into itself.
thread-is-closed = This thread is closed.
thread-is-locked = This thread is locked: it takes no new replies for now.
not-an-answer = Only answers to a question can be voted on, accepted or endorsed.
not-a-question = Only a question has an accepted answer.
vote-own-post = You cannot vote on your own answer.
thread-is-talk = A wiki page's talk page stays with its page.
thread-scheduled = A scheduled prompt cannot be merged before it opens.

## Learning activities: teams, assignments, quests, health
field-name = Name
space-tab-assignments = Assignments
space-tab-quests = Quests
space-tab-teams = Teams
health-title = Community health
health-csv = Download the table (CSV)
health-unanswered = Unanswered questions
health-unanswered-none = Every question has an answer.
health-waiting = waiting { $time }
health-first-answer = Time to a first answer
health-first-answer-median = { $n ->
    [one] the median over 1 answered question
   *[other] the median over { $n } answered questions
}
health-first-answer-mean = mean { $time }
health-first-answer-none = No question has been answered yet.
health-quiet = Gone quiet
health-quiet-none = Everyone has posted lately.
health-last-post = last posted { $when }
health-never-posted = has not posted yet
health-activity = Posts per week
health-network = Who answered whom
health-network-help = An arrow runs from the person who replied to the person they answered; thicker arrows are more replies.
health-network-none = Nobody has replied to anyone yet.
health-participation = Participation
health-person = Person
health-posts = Posts
health-answers = Answers
health-accepted = Accepted
health-submissions = Submissions
health-reviews = Reviews given
health-last = Last post
teams-none = No team sets yet.
teams-auto-summary = { $n ->
    [one] Formed at random, about 1 person per team
   *[other] Formed at random, about { $n } people per team
}
teams-choose-summary = { $n ->
    [one] Members choose, at most 1 per team
   *[other] Members choose, at most { $n } per team
}
teams-yours = Your team
teams-empty = Nobody yet.
teams-join = Join this team
teams-full = Full
teams-new = New team set
teams-mode = How are teams formed?
teams-mode-auto = At random, now
teams-mode-auto-help = The community's members are dealt into teams of about the size below.
teams-mode-choose = Members choose
teams-mode-choose-help = Members pick a team, up to the size below.
teams-size = People per team
teams-count = Teams to open (members choose)
teams-count-help = Only used when members choose.
teams-create = Create teams
teams-scope = Scope a facilitator
teams-scope-help = A facilitator scoped to some teams facilitates only those. Leave the teams empty to lift the scope.
teams-scope-teams = Team addresses, separated by spaces
assignments-none = No assignments yet.
assignment-due = Due { $when }
assignment-submitted = Submitted
assignment-to-do = To do
assignment-reviews-to-write = { $n ->
    [one] 1 review to write
   *[other] { $n } reviews to write
}
assignment-new = Assign work
assignment-instructions = Instructions
assignment-opens = Opens (empty: now)
assignment-due-label = Due
assignment-audience = For whom?
assignment-audience-space = Every member of this space
assignment-audience-people = Chosen people
assignment-people = Usernames, separated by commas
assignment-audience-teams = The teams of a team set
assignment-per-team = One submission per team
assignment-reviewers = Peer reviewers per submission
assignment-reviewers-help = 0 for no peer review. Reviewers are drawn after the due date, never from the author's own team.
assignment-anonymous-reviews = Anonymous reviews (authors and reviewers do not see each other's names)
assignment-rubric = Rubric
assignment-rubric-help = One criterion per line: “Name: lowest | … | highest”, two to ten levels.
assignment-create = Assign
assignment-peer-review = { $n ->
    [one] Peer review by 1 person
   *[other] Peer review by { $n } people
}
assignment-my-work = Your work
assignment-our-work = Your team's work
assignment-submitted-at = Submitted { $when }
assignment-late = Late
assignment-submit-label = Your submission
assignment-resubmit-label = Change your submission
assignment-submit = Submit
assignment-resubmit = Resubmit
assignment-feedback-from = Feedback from { $name }
assignment-reviews-of-mine = Reviews of your work
assignment-anonymous-reviewer = A peer
assignment-to-review = Reviews for you to write
assignment-work-number = Submission { $n }
assignment-reviewed = Reviewed
assignment-note = A note on this (optional)
assignment-note-on = A note on { $name }
assignment-review-comment = Overall comment
assignment-review-submit = Save review
assignment-board = Status board
assignment-count-submitted = { $n } submitted
assignment-count-late = { $n } late
assignment-count-missing = { $n } missing
assignment-count-pending = { $n } not due yet
assignment-allocate = Allocate peer reviewers
assignment-allocate-help = Each submission gets its reviewers at random among those who submitted, loads as even as the teams allow.
assignment-status = Status
assignment-reviews = Reviews
assignment-status-submitted = Submitted
assignment-status-late = Late
assignment-status-missing = Missing
assignment-status-pending = Not due yet
assignment-read = Read
assignment-feedback = Feedback
assignment-feedback-send = Send feedback
assignment-review-pending = Not yet
assignment-reassign-to = Username
assignment-reassign = Reassign
quests-none = No research quests yet.
quest-sources-count = { $n ->
    [one] 1 source
   *[other] { $n } sources
}
quest-findings-count = { $n ->
    [one] 1 finding
   *[other] { $n } findings
}
quest-distilled = Distilled into the wiki
quest-new = Suggest research
quest-question = The question
quest-brief = What to look for
quest-library = Seed it with library items
quest-links = Links, one per line (“Title | URL” or just the URL)
quest-angles = Angles, one per line
quest-angles-help = Lines of inquiry someone can claim, such as “What does the research say?”.
quest-create = Start the quest
quest-covered = { $n } covered
quest-open = { $n } still open
quest-board = Sources and angles
quest-kind-library = Library
quest-kind-link = Link
quest-kind-angle = Angle
quest-still-open = still open
quest-claimed-by = taken by { $name }
quest-claim = I'll take it
quest-release = Let it go
quest-add-angle = Add an angle
quest-add = Add
quest-findings = Findings
quest-no-findings = No findings yet.
quest-finding-about = About
quest-finding-general = The question as a whole
quest-finding = Your finding
quest-post-finding = Post finding
quest-distill = Distill into a wiki page
quest-distill-help = Makes a wiki page of the findings, grouped by source, each linking back here.
quest-distill-button = Create the page
flash-team-set-created = The teams are set up.
flash-team-chosen = You joined the team.
flash-scope-saved = The facilitator's teams are saved.
flash-assignment-created = The work is assigned.
flash-submitted = Your work is submitted.
flash-reviews-allocated = Peer reviewers are allocated.
flash-review-submitted = Your review is saved.
flash-review-reassigned = The review has a new reviewer.
flash-feedback-sent = Your feedback is saved.
flash-quest-created = The quest is on.
flash-source-added = Added.
flash-finding-posted = Your finding is posted.
flash-distilled = The findings are now a wiki page.
team-set-needs-community = Team sets belong to a community.
team-size-range = Choose between 1 and { $limit }.
team-count-range = Choose between 1 and { $limit } teams.
team-set-not-choosable = Teams in this set are formed by the facilitator.
team-unknown = There is no such team here.
team-full = This team is full.
scope-needs-facilitator = Only a facilitator of this community can be scoped to teams.
team-set-unknown = Choose a team set of this space.
due-before-open = The due time must come after the opening time.
due-required = Set a due time.
assignee-unknown = Everyone named must be a member of this space.
assignees-required = Name at least one person.
reviewers-range = Choose between 0 and { $limit } reviewers.
rubric-invalid = Each criterion needs a name and 2 to 10 levels; at most 20 criteria.
rubric-required = Peer review needs a rubric.
assignment-not-open = This assignment is not open yet.
assignment-in-review = Reviews have started: submissions are closed.
assignment-without-review = This assignment has no peer review.
assignment-not-due = Reviewers are allocated after the due time.
reviews-already-allocated = Reviewers are already allocated.
review-scores-invalid = Choose one level for every criterion.
reviewer-not-assigned = The reviewer must be one of the people this work is for.
reviewer-own-work = Nobody reviews their own or their team's work.
reviewer-already-on = That person already reviews this submission.
quest-source-unknown = There is no such source in this quest.
source-claimed = Someone else has taken this one.
thread-not-open = This prompt has not opened yet: replies can come once it does.
merge-post-first = A post-first thread can only be merged with another post-first thread.
thread-open-now = Open it now
thread-already-open = This thread is open already.
flash-prompt-opened = The prompt is open.
assignment-edit = Edit this assignment
assignment-save = Save changes
flash-assignment-updated = The assignment is updated.
assignment-times-help = Times are in your browser's time zone (UTC without JavaScript).

## Social
reactions = Reactions
reaction-helpful = Helpful
reaction-insightful = Insightful
reaction-thanks = Thanks
reaction-celebrate = Celebrate
reaction-curious = Curious, tell me more
reaction-add = Add a reaction
reaction-page-title = React to this post
reaction-page-help = Choose a reaction; choosing one you gave takes it back.
nav-people = People
people-title = People
people-search = Name
people-skill = Knows about
people-interest = Wants to learn
people-filter = Find
people-none = Nobody matches this yet.
profile-skills = Knows about
profile-interests = Wants to learn
expertise-edit = Skills and interests
expertise-title = Skills and interests
expertise-intro = Tell others what you can help with and what you would like to learn: the people directory finds you by them.
expertise-help = Up to ten of each, separated by spaces or commas, such as rust postgres incident-review.
flash-expertise-saved = Your skills and interests are saved.

## Networked learning: follows, tags, notifications, email

nav-notifications = Notifications
nav-notifications-unread = { $n ->
    [one] Notifications, 1 unread
   *[other] Notifications, { $n } unread
}
home-feed = Your feed
home-feed-empty = Nothing here yet. Join spaces, or follow people, threads and tags, and what they produce will show up here.
follow-follow = Follow
follow-following = Following
follow-kind-person = person
follow-kind-space = space
follow-kind-thread = thread
follow-kind-tag = tag
flash-followed = You follow this now.
flash-unfollowed = You no longer follow this.
flash-blocked = Blocked. Nothing this person writes will mention, message or notify you.
flash-unblocked = Unblocked.
flash-notifications-read = All notifications are marked read.
flash-saved = Saved.
block-block = Block
block-undo = Unblock
block-explain = Blocking stops their mentions, messages and notifications reaching you. They are not told.
tag-content = Tagged content
tag-empty = Nothing you can read carries this tag yet.
tag-kind-wiki = wiki page
tag-kind-reply = reply
tag-kind-post = post
tag-experts = Who knows about this
tag-no-experts = Nobody yet: accepted answers and wiki edits on this tag will show who knows.
tag-accepted-answers = { $n ->
    [one] 1 accepted answer
   *[other] { $n } accepted answers
}
tag-wiki-edits = { $n ->
    [one] 1 wiki edit
   *[other] { $n } wiki edits
}
tag-people-with-skill = People who list this as a skill
notifications-title = Notifications
notifications-mark-read = Mark all read
notifications-settings = Settings
notifications-empty = No notifications yet. Replies, mentions and news from what you follow will appear here.
notifications-unread = Unread
notification-mention = { $actor } mentioned you in “{ $title }”
notification-reply = { $actor } replied to you in “{ $title }”
notification-accepted = Your answer in “{ $title }” was accepted
notification-review = { $actor } reviewed your submission to “{ $title }”
notification-invitation = { $actor } invited you to { $title }
notification-join_request = { $actor } asked to join { $title }
notification-thread = { $actor } replied in “{ $title }”, which you follow
notification-space = { $actor } posted “{ $title }” in a space you follow
notification-settings-title = Notification settings
notification-settings-no-email = Email is not available: add an email address to your account, and ask your administrator to set up mail. Email choices then take effect.
notification-settings-kind = What happened
notification-settings-delivery = How to tell you
notification-settings-digest = How often the digest comes
notification-kind-mention = Someone mentions you
notification-kind-reply = Someone replies to you
notification-kind-accepted = Your answer is accepted
notification-kind-review = Your work is reviewed
notification-kind-invitation = You are invited to a space
notification-kind-join_request = Someone asks to join a space you run
notification-kind-thread = Replies in threads you follow
notification-kind-space = New threads and pages in spaces you follow
delivery-app = In Stoa only
delivery-email = Email at once
delivery-digest = In the digest
delivery-off = Not at all
digest-daily = Daily
digest-weekly = Weekly
digest-never = Never
following-title = What you follow
following-none = You follow nothing yet. Follow people, spaces, threads and tags from their pages.
blocked-title = People you blocked
blocked-none = You have blocked nobody.
unsubscribe-title = Unsubscribe
unsubscribe-ask = { $name }, stop email for: { $what }?
unsubscribe-confirm = Stop these emails
unsubscribe-done = Done, { $name }: no more email for { $what }. You still see them in Stoa.
unsubscribe-settings = All notification settings
unsubscribe-what-digest = the digest
unsubscribe-what-mention = mentions
unsubscribe-what-reply = replies to you
unsubscribe-what-accepted = accepted answers
unsubscribe-what-review = reviews of your work
unsubscribe-what-invitation = invitations
unsubscribe-what-join_request = requests to join
unsubscribe-what-thread = replies in threads you follow
unsubscribe-what-space = news from spaces you follow
mail-greeting = Hello { $name },
mail-open = Open in Stoa
mail-why = You get this because of your notification settings.
mail-unsubscribe = Stop these emails
mail-settings = Notification settings
mail-subject-digest-daily = Your daily digest from { $site }
mail-subject-digest-weekly = Your weekly digest from { $site }
mail-digest-intro = Here is what happened since your last digest.
feeds-public = Follow in a feed reader (public posts only):

## Blogs and podcasts
space-tab-blog = Blog
blog = Blog
blog-new = New post
blog-edit = Edit post
blog-empty = No posts yet.
blog-draft = Draft
blog-episode = Podcast episode
blog-download = Download the audio
blog-comments = Comments
blog-body = Post (Markdown)
blog-cover = Cover picture
blog-audio = Sound file (makes the post a podcast episode)
blog-audio-help = MP3, M4A, Ogg or WAV. It goes into the blog's podcast feed.
blog-remove-cover = Remove the cover picture
blog-remove-audio = Remove the sound file
blog-publish = Publish (otherwise it stays a draft only facilitators see)
blog-cover-invalid = Choose a picture uploaded to this space.
blog-audio-invalid = Choose a sound file uploaded to this space.

## Private messages
messages-title = Messages
messages-inbox = Conversations
messages-empty = No messages yet. Write to someone from the form, or from their profile.
messages-new = New message
messages-to = To
messages-to-help = One or more usernames, separated by spaces or commas (up to 8 people).
messages-body = Message
messages-send = Send
messages-reply = Reply
messages-older = Older messages
messages-write = Message
messages-blocked = A block stands between you and someone here, so no new messages can be written.
message-no-recipient = Write to at least one other person.
message-too-many = A conversation takes at most 8 other people.
message-unknown-recipient = There is nobody with that username.
message-blocked = You cannot write to this person: one of you has blocked the other.
notification-message = { $actor } sent you a message
notification-kind-message = Someone sends you a message
unsubscribe-what-message = private messages
follow-self = You cannot follow yourself.
block-self = You cannot block yourself.
invalid-tag = Give exactly one tag: letters, digits, - or _.

## Moderation
post-flag = Flag
post-hidden-badge = Hidden
post-hidden-help = A moderator hid this post: only you and the space's moderators can read it.
post-hidden-note = A moderator hid this post.
flag-title = Flag this post
flag-back = Back to the post
flag-help = The space's facilitators will look at it. The author is not told who flagged it.
flag-reason = What is wrong with it?
flag-reason-spam = Spam
flag-reason-spam-help = Advertising, or posted over and over.
flag-reason-abuse = Harassment or abuse
flag-reason-abuse-help = It attacks, threatens or demeans someone.
flag-reason-off_topic = Off topic
flag-reason-off_topic-help = It does not belong in this discussion.
flag-reason-inappropriate = Inappropriate
flag-reason-inappropriate-help = Content that does not belong in this community.
flag-reason-other = Something else
flag-reason-other-help = Say what in the note.
flag-note = Note for the moderators
flag-note-optional = (needed for “Something else”)
flag-submit = Send to the moderators
flag-note-needed = Say what is wrong in a few words.
flag-own-post = You cannot flag your own post; edit or delete it instead.
already-flagged = You have already flagged this post; the moderators will look at it.
warn-self = You cannot warn yourself.
flash-flagged = Thank you. The moderators will look at this post.
flash-post-hidden = The post is hidden.
flash-post-restored = The post is shown again.
flash-flags-dismissed = The flags are dismissed; the post stays as it is.
flash-author-warned = The warning is sent.
space-tab-moderation = Moderation
moderation-title = Moderation
moderation-all-spaces = All the spaces I moderate
moderation-flagged = Flagged posts
moderation-flagged-empty = Nothing is waiting for a decision.
moderation-flags = Flags
moderation-flagged-by = flagged by { $name }
moderation-hide = Hide
moderation-restore = Show again
moderation-dismiss = Dismiss the flags
moderation-warn = Warn { $name }…
moderation-warn-message = What the author should know (they read it in their notifications)
moderation-warn-send = Send the warning
moderation-hidden = Hidden posts
moderation-hidden-empty = No post is hidden.
moderation-hidden-by = hidden by { $name }
moderation-history = Recent flags and decisions
moderation-history-empty = Nothing yet.
notification-warning = A moderator wrote to you about your post in “{ $title }”
notification-kind-warning = A moderator warns you about a post
notification-flag = { $actor } flagged a post in “{ $title }”
notification-kind-flag = A post is flagged in a space you moderate
unsubscribe-what-warning = moderators' warnings
unsubscribe-what-flag = flagged posts
audit-title = Audit log
audit-help = Every action of moderators, facilitators, owners and admins, newest first, with who did it and when.
audit-empty = No moderator or admin has acted yet.
audit-operator = An operator (command line)
audit-target-post = a post
audit-target-thread = a thread
audit-target-person = a person
audit-post-hidden = { $actor } hid a post
audit-post-restored = { $actor } showed a hidden post again
audit-post-flags_dismissed = { $actor } dismissed the flags on a post
audit-post-author_warned = { $actor } warned the author of a post
audit-post-flagged = { $actor } flagged a post
audit-post-deleted = { $actor } deleted someone else's post
audit-chat-deleted = { $actor } deleted someone else's chat message
audit-post-endorsed = { $actor } endorsed an answer
audit-thread-state_changed = { $actor } changed a thread's state
audit-thread-moved = { $actor } moved a thread
audit-thread-split = { $actor } split a thread
audit-thread-merged = { $actor } merged two threads
audit-space-rules_changed = { $actor } changed a space's discussion rules
audit-space-updated = { $actor } changed a space's settings
audit-member-removed = { $actor } removed a member
audit-member-role_changed = { $actor } changed a member's role
audit-join_request-decided = { $actor } decided on a request to join
audit-space-facilitator_scoped = { $actor } scoped a facilitator to some teams
audit-review-reassigned = { $actor } reassigned a peer review
audit-admin-user_changed = { $actor } changed an account
audit-admin-settings_changed = { $actor } changed the instance settings
audit-doc-discarded = { $actor } started a quarantined live text afresh
audit-detail-note = Note
audit-detail-reason = Reason
audit-detail-message = Message
audit-detail-role = Role
audit-detail-title = Title
audit-detail-suspended = Suspended
audit-detail-is_admin = Admin
audit-detail-registration = Sign-up
audit-detail-instance_name = Instance name
profile-contributions = Recent contributions
profile-no-contributions = Nothing you can read yet.
settings-avatar = Picture
settings-avatar-current = Your picture
settings-avatar-choose = A new picture
settings-avatar-help = PNG, JPEG, GIF or WebP, up to 1 MB; square works best. Without one, your initials are shown.
settings-avatar-upload = Upload
settings-avatar-remove = Remove the picture
avatar-too-large = This picture is too large: at most 1 MB.
avatar-not-picture = This is not a picture Stoa can show: use PNG, JPEG, GIF or WebP.
avatar-upload-broken = The upload broke off. Try again.
flash-avatar-saved = Your picture is saved.
flash-avatar-removed = Your picture is removed; your initials are shown instead.
blog-personal-name = { $name }'s blog
blog-personal-link = { $name }'s blog
blog-personal-start = Start my blog
flash-blog-started = Your blog is ready: write its first post.
tag-kind-blog = blog post
audit-detail-from = Before
audit-detail-to = After
live-new-replies = New replies have arrived: show them
live-new-activity = There are new threads or replies: show them

## Chat
chat = Chat
chat-messages = Messages
chat-here-now = Here now
chat-here-count = { $n ->
    [0] Nobody here right now
    [one] One person here now
   *[other] { $n } people here now
}
chat-older = Older messages
chat-newest = Back to the newest messages
chat-empty = Nobody has written here yet. Say hello!
chat-write = Message
chat-write-help = Markdown and @mentions work. With JavaScript, Enter sends and Shift+Enter starts a new line.
chat-deleted = Message deleted
chat-edited = edited
chat-edit = Edit message
chat-delete-confirm = Delete this message for everyone?
chat-typing = { $names } is typing…
chat-gone = You can no longer take part in this chat.

## Live editing
wiki-edit-live = Edit together
wiki-live-help = Everyone on this page writes in the same text, and sees the others' cursors. Nothing is lost if you close the page: the text is kept as it is typed. Save a version to add it to the page's history.
wiki-live-people = Writing now
wiki-live-online = Connected: changes are shared as you type
wiki-live-offline = Not connected: keep writing, your changes are shared when the connection is back
wiki-live-save = Save as a version
wiki-live-saved = Saved as a new version.
wiki-live-conflict = Someone saved the page through the plain editor with changes to the same lines. The live text is kept; open the plain editor to combine the two.
wiki-live-plain = Plain editor
wiki-live-noscript = Live editing needs JavaScript. This is the live text as it stands; you can save it as a version, or use the plain editor.

## Events and live sessions
space-tab-events = Events
events-upcoming = Coming up
events-past = Past events
events-none = No events are planned yet.
events-subscribe = Add these events to your calendar
events-subscribe-help = Copy the link into any calendar program (it keeps up with changes).
event-new = Schedule an event
event-schedule = Schedule
event-starts = Starts
event-duration = Length
event-place = Place
event-place-help = A room or a building. Leave it empty for an online event.
event-link = Link to join
event-join-link = Join the call
event-description = What it is about
event-when = When
event-by = Scheduled by
event-edit = Change the event
event-edit-help = People who said they come are told when the time or the place changes.
event-cancel = Cancel the event
event-cancel-confirm = Cancel this event? Everyone who said they come is told.
event-add-to-calendar = Add to calendar
event-join-live = Join the live room
event-open-room = Open the live room
event-live-room = Live room
event-details = Details
event-coming = Are you coming?
event-answer-yes = Going
event-answer-maybe = Maybe
event-answer-no = Can't go
event-answered-yes = You're going
event-answered-maybe = You might go
event-answered-no = You're not going
event-list-yes = Going
event-list-maybe = Maybe
event-sign-in-to-answer = Sign in to say whether you come
event-going-count = { $n ->
    [0] Nobody going yet
    [one] One person going
   *[other] { $n } people going
}
event-maybe-count = { $n ->
    [0] nobody maybe
    [one] one maybe
   *[other] { $n } maybe
}
event-status-upcoming = Coming up
event-status-live = Live now
event-status-ended = Ended
event-status-cancelled = Cancelled
event-notes = Shared notes
event-notes-help = Everyone in the room writes these notes together, and sees the others' cursors. They are kept as they are typed and stay with the event afterwards.
event-notes-none = No notes yet. They are written together in the live room.
event-notes-noscript = Writing together live needs JavaScript. Without it, edit the notes here and save them; changes others made meanwhile are merged in.
event-notes-save = Save the notes
event-notes-now = The notes as they are now
event-notes-conflict = Someone changed the same lines of the notes while you were writing. Nothing was saved: the notes as they are now are shown above, and your text is below. Combine them and save again.
event-notes-became = These notes became a wiki page:
event-notes-page = open it
event-notes-page-title = Title of the wiki page
event-notes-default-title = Notes: { $title }
event-notes-publish = Turn the notes into a wiki page
event-notes-empty = There are no notes to turn into a page yet.
event-notes-published = These notes are already a wiki page.
doc-not-quarantined = This live text is not set aside.
event-start-required = Enter when the event starts.
event-duration-invalid = Choose how long the event lasts (at most a week).
event-place-invalid = Enter a place of at most 200 characters.
event-cancelled = This event has been cancelled.
event-ended = This event has ended.
time-in-utc = Without JavaScript, the time is read as UTC.
flash-event-scheduled = The event is scheduled.
flash-event-updated = The event is changed.
flash-event-cancelled = The event is cancelled.
flash-answer-saved = Your answer is saved.
flash-notes-saved = The notes are saved.
flash-notes-published = The notes are now a wiki page.
flash-calendar-renewed = Your calendar has a new address; the old one no longer works.
calendar-title = My calendar
calendar-empty = No events in your spaces. Events you say you come to appear here too.
calendar-subscribe = Subscribe in a calendar program
calendar-subscribe-help = This private address lists the events of your spaces and those you said you come to. Anyone who has it can read them, so keep it to yourself.
calendar-address = Calendar address
calendar-renew = Make a new address
calendar-renew-confirm = Make a new address? The old one stops working everywhere you use it.
calendar-renew-help = If the address got out, make a new one: the old one stops working.
notification-event = { $actor } scheduled “{ $title }”
notification-event_changed = { $actor } changed the time or place of “{ $title }”
notification-event_cancelled = { $actor } cancelled “{ $title }”
notification-reminder = “{ $title }” starts soon
notification-kind-event = New events in your spaces
notification-kind-event_changed = An event you come to changes or is cancelled
notification-kind-reminder = An event you come to starts soon
unsubscribe-what-event = new events
unsubscribe-what-event_changed = changes to events you come to
unsubscribe-what-reminder = event reminders
event-answers = Who said they'd come
flash-thread-hidden = The thread is hidden: only its author and the moderators see it.
flash-thread-restored = The thread is shown again.
thread-hidden-notice = A moderator hid this thread: only its author and the space's moderators can see it.
thread-hide = Hide this thread
thread-show = Show this thread again
audit-thread-hidden = { $actor } hid a thread
audit-thread-restored = { $actor } showed a hidden thread again
mail-subject-account-exists = Someone signed up to { $site } with your address
mail-account-exists = Someone signed up to { $site } with this email address, which your account @{ $username } already has. If it was you: you have an account already, and can sign in with it below; the new account was made without this address. If it was not you, you need do nothing.
