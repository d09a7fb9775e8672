// Imported first by the production entry, before Vue and vue-router load:
// their builds check NODE_ENV at run time, and a server started without it
// would render with Vue's development build and print vue-router's warnings,
// unknown paths (attacker-chosen text) included. The production build is
// production whatever the environment says. (Written as a call: the bundler
// replaces `process.env.NODE_ENV` as an expression and would drop an
// assignment to it.)
Object.assign(process.env, { NODE_ENV: 'production' })
