"""Small pieces shared by every domain: database, errors, auth, config, i18n."""
