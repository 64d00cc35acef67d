#!/bin/sh
# The scheduling examples: the cron line run as cron would (with a stand-in coldstart,
# sleep and paths): exit 1 (partial) is run again, up to 4 tries; 0 prints nothing
# (no mail); anything else prints one line for MAILTO; each try under timeout. The
# systemd units pass systemd-analyze verify and say what the issue asks.
. "$(dirname "$0")/lib.sh"

CRON=$SRC_DIR/scripts/coldstart.cron
mkdir -p bin var etc
# The stand-in: exits with the next code of $CODES (one per line), logs each call.
cat > bin/coldstart <<\EOT
#!/bin/sh
echo "coldstart $*" >> "$LOG"
echo x >> "$LOG.n"
n=$(wc -l < "$LOG.n")
code=$(sed -n "${n}p" "$CODES")
exit "${code:-0}"
EOT
printf '#!/bin/sh\necho "sleep $*" >> "$LOG"\n' > bin/sleep
chmod +x bin/coldstart bin/sleep
echo "CS_DB=$TRASH/var/c.db" > etc/coldstart.env
# The command of the cron line (after the user field), paths pointed here.
sed -n 's/^15 2 \* \* \* coldstart //p' "$CRON" |
	sed "s#/usr/local/bin/coldstart#$TRASH/bin/coldstart#g; s#/var/lib/coldstart#$TRASH/var#g; s#/etc/coldstart/coldstart.env#$TRASH/etc/coldstart.env#g; s#sleep 900#$TRASH/bin/sleep 900#" > job
export LOG=$TRASH/log CODES=$TRASH/codes

test_expect_success 'the cron line: timeout, MAILTO, a log' '
	test "$(wc -l < job)" -eq 1 &&
	test_grep "timeout -k 5m 5h $TRASH/bin/coldstart run -q" job &&
	test_grep "^MAILTO=" "$CRON" && test_grep ">> $TRASH/var/run.log 2>&1" job
'

test_expect_success 'exit 1 twice then 0: three tries, 15 minutes apart, nothing printed (no mail)' '
	rm -f log log.n && printf "1\n1\n0\n" > codes &&
	sh -c "$(cat job)" > mail 2>&1 &&
	test_eq "$(grep -c "^coldstart run -q" log)" 3 &&
	test_eq "$(grep -c "^sleep 900" log)" 2 &&
	test ! -s mail
'

test_expect_success 'always partial: 4 tries then one line for MAILTO' '
	rm -f log log.n && printf "1\n1\n1\n1\n1\n1\n" > codes &&
	sh -c "$(cat job)" > mail 2>&1 &&
	test_eq "$(grep -c "^coldstart run -q" log)" 4 &&
	test_eq "$(grep -c "^sleep 900" log)" 3 &&
	test_grep "^coldstart run: exit 1 after 4 tries; see the end of $TRASH/var/run.log$" mail
'

test_expect_success 'exit 3 (configuration): no second try, one line for MAILTO' '
	rm -f log log.n && printf "3\n" > codes &&
	sh -c "$(cat job)" > mail 2>&1 &&
	test_eq "$(grep -c "^coldstart run -q" log)" 1 &&
	test_grep "^coldstart run: exit 3 after 1 tries" mail
'

test_expect_success 'systemd: timeout, exit 1 restarted, exit 2-5 not, OnFailure; logrotate example' '
	S=$SRC_DIR/scripts/coldstart.service &&
	test_grep "^TimeoutStartSec=" $S && test_grep "^Restart=on-failure$" $S &&
	test_grep "^RestartPreventExitStatus=2 3 4 5$" $S && test_no_grep "^SuccessExitStatus=.*1" $S &&
	test_grep "^OnFailure=coldstart-notify@%n.service$" $S && test_grep "^StartLimitBurst=" $S &&
	test_grep "^ExecStart=.*journalctl -u %i" "$SRC_DIR/scripts/coldstart-notify@.service" &&
	test_grep "^/var/lib/coldstart/run.log {" "$SRC_DIR/scripts/coldstart.logrotate" &&
	test_grep "copytruncate" "$SRC_DIR/scripts/coldstart.logrotate"
'

if command -v systemd-analyze >/dev/null && systemd-analyze --help >/dev/null 2>&1; then
	test_expect_success 'systemd-analyze verify accepts the units' '
		mkdir units &&
		for u in coldstart.service coldstart.timer coldstart-notify@.service; do
			sed "s#/usr/local/bin/coldstart#/bin/true#" "$SRC_DIR/scripts/$u" > units/$u || exit 1
		done &&
		(cd units && systemd-analyze verify --man=no ./coldstart.service ./coldstart.timer ./coldstart-notify@.service) > out 2>&1;
		cat out; test_no_grep "coldstart" out
	'
else
	test_skip 'systemd-analyze verify: not here'
fi

test_done
