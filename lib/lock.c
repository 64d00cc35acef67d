/* lock.c: the run lock of a corpus. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "conf.h"
#include "cs.h"

int cs_lock_corpus(const char *db, int *code)
{
	long inherited = cs_conf_long_or("CS_LOCK_FD", -1);
	char *path = xasprintf("%s.lock", db);
	int fd = inherited >= 0 ? (int)inherited : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	*code = CS_EIO;
	if (fd < 0) {
		error("cannot open the lock %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	/* the driver's lock (CS_LOCK_FD) is the same open file: locking it again succeeds */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK) {
			error("another run holds %s; not starting a second one on the same corpus", path);
			*code = CS_ECONFIG;
		} else {
			error("cannot lock %s: %s", path, strerror(errno));
		}
		if (inherited < 0)
			close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}
