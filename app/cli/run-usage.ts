// What `sysgate --help` says about running a command under sysgate.

export const RUN_USAGE = `usage: sysgate [-AaeiKtuUV] [-c user:group] [-d policydir] [-E logfile] [-f file] command [args...]

  -A          learn: permit everything and add what the command did to its policy
  -a          enforce: deny and log every call the policy does not answer
  -t          ask on this terminal about every call the policy does not answer
  -e          log decisions to standard error instead of syslog
  -E logfile  append decisions to logfile instead of syslog
  -f file     use the policies in file before all others
  -d dir      use dir instead of the user's policy directory
  -U          use the system policies only (/etc/sysgate/policies); run by root, the
              history is the system's (/var/lib/sysgate; sysgate log --system)
  -u          no aliases: rules name the calls themselves, not fsread/fswrite
  -i          processes keep their policy when they execute another program
  -K          with -a: the kernel (Landlock) enforces the policy's file rules, at native
              speed; says what it enforces and which calls it cannot restrict
  -c user:group  run the command as user and group (root only)
  -V          print the version
Without -A, -a or -t, questions are asked on the terminal when there is one; otherwise every
call the policy does not answer is denied and logged.
`;
