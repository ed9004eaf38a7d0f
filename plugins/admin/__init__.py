"""The admin console's business: roles, the audit of admin actions, and helping a user
(find, card, balance adjustments, refunds, blocks, messages). Screens are in flows/admin/."""
