"""The open planner's pages: API tokens (a profile page), a portfolio's webhooks and share links (PMs), and the
read-only pages a share link opens."""
