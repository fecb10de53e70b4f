/*
 * Reading files from the EFI system partition the loader was started
 * from: LoadedImage -> DeviceHandle -> SimpleFileSystem -> root directory.
 * Small files are read whole into pool memory (file_read); the kernel is
 * opened (file_open) and each of its pieces read straight to where it
 * belongs (file_read_at), so no copy of it ever passes through the pool:
 * OVMF takes milliseconds to allocate and to free each MiB.
 */
#include "boot/loader.h"

EFI_STATUS file_open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return boot_error(st, L"no LoadedImage protocol on the loader image");
	st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return boot_error(st, L"the boot device has no file system protocol");
	st = fs->OpenVolume(fs, root);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot open the boot file system");
	return EFI_SUCCESS;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE f, const CHAR16 *path, UINTN *size)
{
	EFI_FILE_INFO *info = LibFileInfo(f);

	if (!info)
		return boot_error(EFI_DEVICE_ERROR, L"cannot get the size of %s", path);
	*size = info->FileSize;
	FreePool(info);
	return EFI_SUCCESS;
}

EFI_STATUS file_read_at(EFI_FILE_HANDLE f, const CHAR16 *path, UINT64 offset, void *buf,
			UINTN len)
{
	UINTN done = 0;
	EFI_STATUS st;

	st = f->SetPosition(f, offset);
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot seek to %ld in %s", offset, path);
	while (done < len) {
		UINTN chunk = len - done;

		st = f->Read(f, &chunk, (UINT8 *)buf + done);
		if (EFI_ERROR(st) || chunk == 0)
			return boot_error(EFI_ERROR(st) ? st : EFI_END_OF_FILE,
					  L"reading %s failed after %ld of %ld bytes at %ld",
					  path, (UINT64)done, (UINT64)len, offset);
		done += chunk;
	}
	return EFI_SUCCESS;
}

EFI_STATUS file_open(EFI_FILE_HANDLE root, const CHAR16 *path, BOOLEAN optional,
		     EFI_FILE_HANDLE *f, UINTN *size)
{
	EFI_STATUS st;

	st = root->Open(root, f, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND && optional)
		return st;
	if (EFI_ERROR(st))
		return boot_error(st, L"cannot open %s on the boot partition", path);
	st = file_size(*f, path, size);
	if (EFI_ERROR(st))
		(*f)->Close(*f);
	return st;
}

EFI_STATUS file_read(EFI_FILE_HANDLE root, const CHAR16 *path, BOOLEAN optional,
		     void **data, UINTN *size)
{
	EFI_FILE_HANDLE f;
	UINT8 *buf;
	EFI_STATUS st;

	st = file_open(root, path, optional, &f, size);
	if (EFI_ERROR(st))
		return st;
	buf = AllocatePool(*size + 1);
	if (!buf) {
		f->Close(f);
		return boot_error(EFI_OUT_OF_RESOURCES,
				  L"no memory to read %s (%ld bytes)", path, (UINT64)*size);
	}
	st = file_read_at(f, path, 0, buf, *size);
	f->Close(f);
	if (EFI_ERROR(st)) {
		FreePool(buf);
		return st;
	}
	buf[*size] = 0;
	*data = buf;
	return EFI_SUCCESS;
}
