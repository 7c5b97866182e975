import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouwang.areas.models import Area
from shouwang.checkpoints import printing
from shouwang.checkpoints.models import Checkpoint, Pass

LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1"}
LOCAL_BASE = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "打印卡点二维码海报（每个卡点一张A4）或纸质出入证 / Print an A4 poster per active "
        "checkpoint (or the pass cards) into one PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", type=int, help="只打印此辖区节点（id）之下的卡点")
        parser.add_argument("--output", "-o", default="posters.pdf", help="输出PDF文件")
        parser.add_argument(
            "--base-url",
            default=None,
            help="居民手机访问本系统的地址（默认 SHOUWANG_PUBLIC_URL）",
        )
        parser.add_argument("--cards", action="store_true", help="打印有效的纸质出入证")

    def handle(
        self, *args, area: int | None, output: str, base_url: str | None, cards: bool, **options
    ) -> None:
        started = time.perf_counter()
        # Said before the PDF is laid out (100 posters take a while), not after.
        _check_writable(Path(output))
        if cards:
            qs = Pass.objects.printable_cards()
            qs = qs.select_related("person__area", "person__household")
            if area is not None:
                qs = qs.within(self._area(area))
            items = list(qs)
            pdf = printing.cards_pdf(items) if items else b""
        else:
            qs = Checkpoint.objects.active().select_related("area")
            if area is not None:
                qs = qs.within(self._area(area))
            items = list(qs)
            base = (base_url or settings.SHOUWANG_PUBLIC_URL).rstrip("/")
            if items and not base:
                base = self._local_base()
            elif items:
                try:
                    base = printing.check_base_url(base)
                except ValueError as exc:
                    raise CommandError(str(exc)) from None
            pdf = printing.posters_pdf(items, base_url=base) if items else b""
        if not items:
            raise CommandError("没有可打印的内容（没有启用的卡点或有效的纸质出入证）")
        try:
            Path(output).write_bytes(pdf)
        except OSError as exc:
            raise CommandError(_cannot_write(output, exc.strerror or str(exc))) from None
        what = "张出入证" if cards else "张海报"
        self.stdout.write(
            f"{output}: {len(items)} {what}, {len(pdf) // 1024} KB, "
            f"{time.perf_counter() - started:.1f} 秒"
        )

    def _local_base(self) -> str:
        """No address given and no request to take the host from. A server that answers
        only on this machine (the demo: ALLOWED_HOSTS all local) gets posters for
        http://127.0.0.1:8000 and a warning; a server with a public host name must be
        told the address residents' phones reach, or every QR code would be dead."""
        if not set(settings.ALLOWED_HOSTS) <= LOCAL_HOSTS:
            raise CommandError(
                "请用 --base-url 或环境变量 SHOUWANG_PUBLIC_URL 给出居民手机访问本系统的"
                "地址（如 https://fk.example.gov.cn），二维码里印的就是它"
            )
        self.stderr.write(
            f"注意：未设置 SHOUWANG_PUBLIC_URL，二维码指向本机 {LOCAL_BASE}，"
            "只能在本机演示；正式张贴请用 --base-url 给出居民手机能访问的地址"
        )
        return LOCAL_BASE

    def _area(self, pk: int) -> Area:
        found = Area.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"没有id为{pk}的辖区节点")
        return found


def _cannot_write(output: str | Path, why: str) -> str:
    return f"无法写入 {output}（{why}），请检查目录是否存在、是否有写权限，或用 -o 换一个文件"


def _check_writable(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise CommandError(_cannot_write(path, "目录不存在"))
    if path.is_dir():
        raise CommandError(_cannot_write(path, "这是一个目录"))
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise CommandError(_cannot_write(path, "没有写权限"))
